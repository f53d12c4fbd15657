// A Jupyter Server kernel's ledger, post-mortem and reconnection against a real jupyter_server:
// cells run by another client (as JupyterLab runs them) are seen on iopub and measured; a kernel
// killed at its cgroup's limit is explained, naming the cell it ran; a kernel that stops
// answering gets a new connection and is sampled again once it answers.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { assessKernelDeath } from '../../src/kernel/postMortem';
import { JupyterServerSource, type RemoteKernelDeath } from '../../src/remote/jupyterServerSource';
import { LimitProber } from '../../src/remote/limitProbe';
import { MemoryCgroup } from '../support/memoryCgroup';
import { TestJupyterServer } from '../support/jupyterServer';
import { until } from '../support/wait';

const MB = 1024 * 1024;
let server: TestJupyterServer;
let source: JupyterServerSource;
before(async () => {
  server = await TestJupyterServer.start();
  source = await JupyterServerSource.connect({ url: server.url, token: server.token, intervalMs: 200, refreshMs: 500, sampleLocally: false, reconnectAfterMs: 1500 });
});
after(async () => {
  source?.dispose();
  await server?.stop();
});

async function sampledKernel(notebook: string): Promise<string> {
  const { kernelId } = await server.createSession(notebook);
  await source.refresh();
  await until(`${notebook} sampled`, () => source.kernel(kernelId)?.state === 'sampling', 30_000, 50);
  return kernelId;
}

describe('remote kernel cells, deaths and silences on a real server', { concurrency: 1 }, () => {
  it("keeps a ledger of another client's cells: start, peak, end, retained, on the kernel's clock", async () => {
    const kernelId = await sampledKernel('ledger.ipynb');
    const client = server.connect(kernelId);
    // Run as a person runs cells, one after the other has finished. (Cells queued back to back,
    // as Run All queues them, leave no moment to measure between them: the kernel answers usage
    // requests only when the running cell lets go of the GIL.)
    const closed = (count: number) => until(`${count} closed cell(s)`, () => source.ledgerOf(kernelId).filter((entry) => entry.outcome !== 'running').length >= count, 30_000, 20);
    const kept = await server.execute(client, "kept = b'\\x01' * (200 * 1024 * 1024)", { storeHistory: true });
    assert.equal(await kept.done, 'ok');
    await closed(1);
    const transient = await server.execute(client, "import time\ntemporary = b'\\x01' * (300 * 1024 * 1024)\ntime.sleep(1.5)\ndel temporary", { storeHistory: true });
    assert.equal(await transient.done, 'ok', transient.stdout());
    await closed(2);
    const failing = await server.execute(client, '1 / 0', { storeHistory: true });
    assert.equal(await failing.done, 'error');
    const entries = await until('three closed cells in the ledger', () => {
      const list = source.ledgerOf(kernelId);
      return list.length === 3 && list.every((entry) => entry.outcome !== 'running') && list;
    });
    for (const entry of entries) console.log(`  ${entry.label}: start ${(entry.startBytes / MB).toFixed(0)} MB, peak ${(entry.peakBytes / MB).toFixed(0)}, retained ${((entry.retainedBytes ?? 0) / MB).toFixed(0)} MB, ${entry.outcome}`);
    const [first, second, third] = entries;
    assert.match(first.label, /^\[1\] kept = /);
    assert.equal(first.outcome, 'succeeded');
    assert.ok(Math.abs(first.retainedBytes! - 200 * MB) < 20 * MB, `retained ${first.retainedBytes! / MB} MB`);
    assert.equal(second.executionOrder, 2);
    assert.ok(second.peakBytes - second.startBytes > 270 * MB, `peak +${(second.peakBytes - second.startBytes) / MB} MB`);
    assert.ok(Math.abs(second.retainedBytes!) < 20 * MB, `retained ${second.retainedBytes! / MB} MB`);
    assert.equal(third.outcome, 'failed');
    // On the kernel's clock put on ours: each cell within the time this test ran it.
    assert.ok(entries.every((entry) => entry.endedAt! >= entry.startedAt && Math.abs(entry.endedAt! - Date.now()) < 60_000));
  });

  it('explains a kernel that died at its limit, naming the cell it was running', async () => {
    const kernelId = await sampledKernel('oom.ipynb');
    const view = source.kernel(kernelId)!;
    const kernelPid = view.pid!;
    const cgroup = MemoryCgroup.create(600 * MB);
    const deaths: RemoteKernelDeath[] = [];
    const subscription = source.onKernelDied((death) => deaths.push(death));
    try {
      if (typeof cgroup === 'string') console.log(`  no test cgroup (${cgroup}): the kernel is killed by the test instead`);
      else {
        cgroup.enter(kernelPid);
        await until('the kernel idle for the probe', () => source.kernel(kernelId)?.executionState === 'idle', 30_000, 50);
        await new LimitProber((_, message) => assert.fail(message)).sweep(source);
        assert.deepEqual(source.kernel(kernelId)!.limit, { bytes: 600 * MB, source: cgroup.version });
      }
      const client = server.connect(kernelId);
      const growing = "import time\nchunks = []\nwhile True:\n    chunks.append(b'\\x01' * (5 * 1024 * 1024))\n    time.sleep(0.1)";
      void server.execute(client, growing, { storeHistory: true }).then((cell) => cell.done.catch(() => undefined));
      await until('the growing cell in the ledger', () => source.ledgerOf(kernelId).at(-1)?.outcome === 'running', 30_000, 50);
      if (typeof cgroup === 'string') {
        await until('the kernel past 300 MB', () => source.kernel(kernelId)!.lastBytes > 300 * MB, 60_000, 50);
        process.kill(kernelPid, 'SIGKILL');
      }
      const death = await until('the death notice', () => deaths[0], 90_000, 50);
      const assessed = assessKernelDeath({ notebookName: death.label, lastRssBytes: death.lastBytes, recentPeakBytes: death.recentPeakBytes, limit: death.limit!, runningCell: death.runningCell });
      console.log(`  ${assessed.message}`);
      assert.equal(death.label, 'oom.ipynb');
      assert.deepEqual(death.runningCell, { label: death.runningCell!.label, executionOrder: 1 });
      assert.equal(source.ledgerOf(kernelId).at(-1)?.outcome, 'failed');
      if (typeof cgroup !== 'string') {
        assert.equal(assessed.likelyOutOfMemory, true, assessed.message);
        assert.match(assessed.message, /MB of 600 MB \(cgroup v[12] .*\), cell \[1\] running\.$/);
      }
      // The server restarts it: the series goes on with the new process.
      await until('the restarted kernel sampled', () => source.kernel(kernelId)?.pid !== kernelPid && source.kernel(kernelId)?.state === 'sampling', 60_000, 50);
    } finally {
      subscription.dispose();
      await until('the old kernel gone', () => !existsSync(`/proc/${kernelPid}`), 30_000, 50).catch(() => process.kill(kernelPid, 'SIGKILL'));
      if (typeof cgroup !== 'string') cgroup.remove();
    }
  });

  it('gives a kernel that stopped answering a new connection, and samples it again once it answers', async () => {
    const kernelId = await sampledKernel('stalled.ipynb');
    const pid = source.kernel(kernelId)!.pid!;
    process.kill(pid, 'SIGSTOP'); // as a kernel stuck in C code holding the GIL, or a half-open socket
    try {
      await until('not answering', () => source.kernel(kernelId)?.state === 'not-answering', 30_000, 50);
      assert.match(source.kernel(kernelId)!.reason ?? '', /stopped answering/);
      await until('a new connection', () => source.kernel(kernelId)!.reconnects >= 1, 30_000, 50);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await until('sampled again', () => source.kernel(kernelId)?.state === 'sampling', 30_000, 50);
    const before = source.kernel(kernelId)!.reconnects;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(source.kernel(kernelId)!.reconnects, before, 'no new connections once it answers');
  });

  it("says why a kernel is not sampled when a proxy refuses its websocket, and keeps trying", async () => {
    const kernelId = (await server.createSession('behind-proxy.ipynb')).kernelId;
    const proxy = await restOnlyProxy(server.url);
    const behind = await JupyterServerSource.connect({ url: proxy.url, token: server.token, intervalMs: 200, refreshMs: 500, sampleLocally: false, reconnectAfterMs: 1500 });
    try {
      const view = await until('the kernel listed and given up on', () => {
        const kernel = behind.kernel(kernelId);
        return kernel?.state === 'not-answering' && kernel;
      }, 60_000, 50);
      console.log(`  behind the proxy: ${view.state}: ${view.reason}`);
      assert.match(view.reason ?? '', /websocket/);
      await until('a new connection tried', () => behind.kernel(kernelId)!.reconnects >= 1, 30_000, 50);
      assert.equal(behind.kernel(kernelId)!.state, 'not-answering', 'never called unable to report its memory');
      assert.ok(proxy.upgradesRefused() >= 2, `${proxy.upgradesRefused()} websocket upgrades refused`);
    } finally {
      behind.dispose();
      await proxy.close();
      await server.shutdownKernel(kernelId);
    }
  });
});

/** A reverse proxy on 127.0.0.1 that forwards REST calls to `target` and refuses every websocket upgrade. */
async function restOnlyProxy(target: string): Promise<{ url: string; upgradesRefused: () => number; close: () => Promise<void> }> {
  let refused = 0;
  const origin = new URL(target).origin;
  const proxy: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('error', () => response.destroy()); // the client gave up on the call: nothing to answer
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'connection' && typeof request.headers[name] === 'string')) as Record<string, string>;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${origin}${request.url}`, { method: request.method, headers, body }).then(
        async (answer) => {
          response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          response.end(Buffer.from(await answer.arrayBuffer()));
        },
        () => response.writeHead(502).end(),
      );
    });
  });
  proxy.on('upgrade', (_request, socket) => {
    refused++;
    // The websocket client may reset the connection as soon as it reads the refusal (ECONNRESET).
    socket.on('error', () => socket.destroy());
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
  });
  proxy.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}${new URL(target).pathname}`,
    upgradesRefused: () => refused,
    close: () =>
      new Promise((resolve) => {
        proxy.close(() => resolve());
        proxy.closeAllConnections(); // keep-alive REST connections would hold close() open
      }),
  };
}
