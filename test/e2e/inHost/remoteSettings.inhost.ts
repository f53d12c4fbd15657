// `kernelMemoryWatch.remote.servers` inside the real extension host, against real jupyter_servers
// started here on 127.0.0.1 (and stopped by PID): the listed servers connect with the token that
// SecretStorage holds, without asking; malformed entries are skipped and the rest kept; an https
// server with a self-signed certificate connects only when its entry says verifyCertificate:
// false, and that opt-out reaches no other connection (VS Code patches Node's networking in the
// extension host, so this is checked here, not only in plain Node).
//
// The setting is changed while the extension runs: onDidChangeConfiguration calls the same
// RemoteCommands.connectConfigured that activation calls with the setting at start.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KernelMemoryWatchTestApi } from '../../../src/extension';
import { JupyterServerSource } from '../../../src/remote/jupyterServerSource';
import { RemoteServerError } from '../../../src/remote/serverConnection';
import { TestJupyterServer } from '../../support/jupyterServer';
import { until } from '../../support/wait';
import { test } from './registry';

async function api(): Promise<KernelMemoryWatchTestApi> {
  const extension = vscode.extensions.getExtension<KernelMemoryWatchTestApi>('kernel-memory-watch.kernel-memory-watch');
  assert.ok(extension, 'the extension is installed');
  const exports = extension.isActive ? extension.exports : await extension.activate();
  assert.ok(exports, 'the extension exports its test API in test mode');
  return exports;
}

function setServers(value: unknown[] | undefined): Thenable<void> {
  return vscode.workspace.getConfiguration('kernelMemoryWatch').update('remote.servers', value, vscode.ConfigurationTarget.Global);
}

/** What "Connect…" leaves behind: the token in SecretStorage under the server's URL. */
async function keepToken(remote: KernelMemoryWatchTestApi['remote'], server: TestJupyterServer, verifyCertificate: boolean): Promise<void> {
  await remote.connect(server.url, server.token, true, verifyCertificate);
  remote.disconnect(server.url);
  assert.equal(await remote.storedToken(server.url), server.token, 'the token is in SecretStorage');
  assert.deepEqual(remote.urls(), []);
}

/** The model's line of a remote kernel under its notebook's name, once it has a figure. */
function remoteLine(model: KernelMemoryWatchTestApi['model'], notebook: string) {
  return until(`${notebook} sampled in the model`, () => model.processes().find((p) => p.source === 'remote' && p.label === notebook && p.rssBytes > 10 * 1024 * 1024), 60_000, 100);
}

test('remote.servers connects the listed servers with the token from SecretStorage, without asking; malformed entries are skipped, the rest kept', async () => {
  const { remote, model, settings } = await api();
  const plain = await TestJupyterServer.start();
  try {
    await plain.createSession('configured.ipynb');
    await keepToken(remote, plain, true);
    await setServers([42, 'not a url', { verifyCertificate: false }, plain.url, { url: plain.url, verifyCertificate: 'no' }]);
    // A token prompt would hold the connection: it must come from SecretStorage.
    await until('the listed server to be connected', () => remote.urls().includes(plain.url), 60_000, 100);
    assert.deepEqual(settings().remoteServers, [{ url: plain.url, verifyCertificate: true }]);
    const line = await remoteLine(model, 'configured.ipynb');
    assert.ok(line.rssBytes > 10 * 1024 * 1024);
  } finally {
    await setServers(undefined);
    remote.disconnect(plain.url);
    await plain.stop();
  }
});

test('remote.servers: a self-signed https server connects only with verifyCertificate: false, and every other connection still verifies', async () => {
  const { remote, model } = await api();
  const plain = await TestJupyterServer.start();
  const tls = await TestJupyterServer.start({ https: true });
  const probes: JupyterServerSource[] = [];
  try {
    await tls.createSession('selfsigned.ipynb');
    await keepToken(remote, plain, true);
    await keepToken(remote, tls, false);
    // Verified (the default): refused. The list is connected in order, so once the plain server
    // after it is connected, the https attempt has ended.
    await setServers([tls.url, plain.url]);
    await until('the plain server to be connected', () => remote.urls().includes(plain.url), 60_000, 100);
    assert.ok(!remote.urls().includes(tls.url), 'connected to a self-signed server although its certificate is verified');
    assert.equal(await remote.storedToken(tls.url), tls.token, 'a certificate error does not drop the token');

    await setServers([plain.url, { url: tls.url, verifyCertificate: false }]);
    await until('the https server to be connected', () => remote.urls().includes(tls.url), 60_000, 100);
    await remoteLine(model, 'selfsigned.ipynb');

    // The opt-out is that connection's alone: another source, the host's own fetch, still verify.
    assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
    const other = await JupyterServerSource.connect({ url: tls.url, token: tls.token }).then(
      (source) => (probes.push(source), undefined),
      (error: unknown) => error,
    );
    assert.ok(other instanceof RemoteServerError && other.kind === 'certificate', `another connection was not verified: ${String(other)}`);
    const hostFetch = await fetch(`${tls.url}api/status`).then(
      () => 'answered',
      (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
    );
    assert.equal(hostFetch, 'DEPTH_ZERO_SELF_SIGNED_CERT', "the extension host's fetch");
    assert.ok(remote.urls().includes(tls.url), 'the unverified connection is still there');
  } finally {
    probes.forEach((source) => source.dispose());
    await setServers(undefined);
    remote.disconnect(plain.url);
    remote.disconnect(tls.url);
    await plain.stop();
    await tls.stop();
  }
});
