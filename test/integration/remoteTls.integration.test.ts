// https against a real jupyter_server with a self-signed certificate made for this run: verified
// by default (a plain error, no exception), not verified for one server when asked (kernels
// listed, usage samples over wss), and that opt-out never reaching another connection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { cli } from '../support/cli';
import { TestJupyterServer } from '../support/jupyterServer';
import { until } from '../support/wait';
import { JupyterServerSource, type RemoteKernelSample } from '../../src/remote/jupyterServerSource';
import { RemoteServerError, makeServerSettings } from '../../src/remote/serverConnection';
import { parseServerUrl } from '../../src/remote/serverUrl';

let server: TestJupyterServer;
let kernelId: string;
const sources: JupyterServerSource[] = [];
before(async () => {
  server = await TestJupyterServer.start({ https: true });
  ({ kernelId } = await server.createSession('tls/secure.ipynb'));
  process.env.KMW_TLS_TOKEN = server.token;
});
after(async () => {
  delete process.env.KMW_TLS_TOKEN;
  sources.forEach((source) => source.dispose());
  await server?.stop();
});

async function connect(verifyCertificate?: boolean): Promise<JupyterServerSource> {
  const source = await JupyterServerSource.connect({ url: server.url, token: server.token, intervalMs: 250, refreshMs: 500, sampleLocally: false, verifyCertificate });
  sources.push(source);
  return source;
}

async function certificateFailure(work: Promise<unknown>): Promise<RemoteServerError> {
  const error = await work.then(
    () => assert.fail('connected although the certificate is self-signed'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof RemoteServerError, `not a RemoteServerError: ${String(error)}`);
  return error;
}

/** Opens the kernel's channels websocket with the settings' WebSocket: 'open' or the error's code. */
function openChannels(verifyCertificate: boolean): Promise<string> {
  const settings = makeServerSettings(parseServerUrl(server.url), server.token, { verifyCertificate });
  const Socket = settings.WebSocket as unknown as typeof WebSocket;
  const socket = new Socket(`${settings.wsUrl}api/kernels/${kernelId}/channels?token=${server.token}`);
  return new Promise((resolve) => {
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('error', (error: Error & { code?: string }) => resolve(error.code ?? error.message));
  });
}

describe('https Jupyter Server with a self-signed certificate', { concurrency: 1 }, () => {
  it('is refused by default with a plain message naming the certificate, not the token', async () => {
    const error = await certificateFailure(connect());
    assert.equal(error.kind, 'certificate');
    assert.match(error.message, /^cannot connect to the Jupyter Server at https:\/\/127\.0\.0\.1:\d+\/: its certificate is not trusted \(self-signed; DEPTH_ZERO_SELF_SIGNED_CERT\)$/);
    assert.ok(!error.message.includes(server.token));
    assert.equal(await openChannels(true), 'DEPTH_ZERO_SELF_SIGNED_CERT', 'the default websocket verifies too');
  });

  it('lists the kernels and samples them over wss when verification is off for this server', async () => {
    const source = await connect(false);
    const samples: RemoteKernelSample[] = [];
    source.onSample((sample) => samples.push(sample));
    assert.deepEqual(
      source.kernels().map((kernel) => [kernel.kernelId, kernel.notebook]),
      [[kernelId, 'tls/secure.ipynb']],
    );
    const sample = await until('a usage sample over wss', () => samples.find((s) => s.kernelId === kernelId), 60_000, 50);
    assert.equal(sample.origin, 'usage_reply');
    assert.ok(sample.rssBytes > 10 * 1024 * 1024, `${sample.rssBytes} bytes`);
    console.log(`  https, verification off: usage_reply in ${sample.roundTripMs?.toFixed(1)} ms, ${(sample.rssBytes / 1024 / 1024).toFixed(0)} MB`);
    assert.equal(await openChannels(false), 'open');
  });

  it('keeps verifying every other connection while one runs unverified', async () => {
    const unverified = sources.find((source) => source.kernels().length > 0) ?? (await connect(false));
    assert.equal(unverified.gone, undefined);
    assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
    assert.equal((await certificateFailure(connect(true))).kind, 'certificate', 'a second source to the same server');
    const plain = await fetch(`${server.url}api/status`).then(
      () => 'answered',
      (error: Error & { cause?: { code?: string } }) => error.cause?.code,
    );
    assert.equal(plain, 'DEPTH_ZERO_SELF_SIGNED_CERT', "the process's own fetch");
    assert.equal(await openChannels(true), 'DEPTH_ZERO_SELF_SIGNED_CERT', 'a verifying websocket');
    assert.equal(unverified.kernel(kernelId)?.state, 'sampling', 'the unverified source still samples');
  });

  it('CLI: exit 2 with the plain message and the flag to pass; --no-verify-certificate watches', async () => {
    const refused = await cli('watch', '--server', server.url, '--token-env', 'KMW_TLS_TOKEN', '--duration', '2');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^kernel-memory-watch: cannot connect to the Jupyter Server at https:\/\/127\.0\.0\.1:\d+\/: its certificate is not trusted \(self-signed; DEPTH_ZERO_SELF_SIGNED_CERT\); if you trust this server, pass --no-verify-certificate\n$/);
    const watched = await cli('watch', '--server', server.url, '--token-env', 'KMW_TLS_TOKEN', '--no-verify-certificate', '--duration', '3', '--interval', '250', '--json');
    assert.equal(watched.code, 0, watched.stderr);
    const verdict = (JSON.parse(watched.stdout) as Array<Record<string, unknown>>).find((v) => v.kernelId === kernelId);
    assert.ok(verdict, watched.stdout);
    assert.equal(verdict.notebook, 'tls/secure.ipynb');
    assert.ok((verdict.samples as number) >= 3, `${String(verdict.samples)} samples`);
    assert.ok(!watched.stdout.includes(server.token) && !refused.stderr.includes(server.token), 'the token leaked');
  });
});
