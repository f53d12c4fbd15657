// The Jupyter Server source against a real jupyter_server (Debian's python3-jupyter-server) and
// real ipykernels: sessions made over REST, cells run over the kernel websocket.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GrowthDetector } from '../../src/core/detector/growthDetector';
import { RemoteServerError } from '../../src/remote/serverConnection';
import { JupyterServerSource, type RemoteKernelExit, type RemoteKernelRestart, type RemoteKernelSample } from '../../src/remote/jupyterServerSource';
import { NO_USAGE_REASON } from '../../src/remote/usageReply';
import { OLD_IPYKERNEL, TestJupyterServer } from '../support/jupyterServer';
import { freePort, until } from '../support/wait';
import { RATCHETING_CYCLE_CELL } from '../support/cells';

const MB = 1024 * 1024;
let server: TestJupyterServer;
const sources: JupyterServerSource[] = [];
before(async () => {
  server = await TestJupyterServer.start({ kernelSpecs: { 'old-ipykernel': OLD_IPYKERNEL } });
});
after(async () => {
  sources.forEach((source) => source.dispose());
  await server?.stop();
});

async function watchServer(options: { sampleLocally?: boolean; intervalMs?: number; url?: string; refreshMs?: number } = {}) {
  const source = await JupyterServerSource.connect({ url: options.url ?? server.url, token: server.token, intervalMs: options.intervalMs ?? 250, refreshMs: options.refreshMs ?? 500, sampleLocally: options.sampleLocally ?? false });
  sources.push(source);
  const samples: RemoteKernelSample[] = [];
  const exits: RemoteKernelExit[] = [];
  const restarts: RemoteKernelRestart[] = [];
  source.onSample((sample) => samples.push(sample));
  source.onExit((exit) => exits.push(exit));
  source.onRestart((restart) => restarts.push(restart));
  return { source, samples, exits, restarts };
}

// 40 × 5 MB every 0.25 s: a ratchet that lasts about 10 s.
const RATCHET_CELL = 'import time\nkept = []\nfor i in range(40):\n    kept.append(bytearray(5_000_000))\n    print(f"step {i}", flush=True)\n    time.sleep(0.25)\n';

describe('Jupyter Server source on a real server', { concurrency: 1 }, () => {
  it('sees a ratcheting cell while it runs, also when watching starts after the cell started, labelled with its notebook', async () => {
    const { kernelId } = await server.createSession('analysis/ratchet.ipynb');
    const client = server.connect(kernelId);
    const cell = await server.execute(client, RATCHET_CELL);
    // Well under way (2 s in) before the watcher connects: its shell is busy with the cell.
    await until('the cell to reach step 8', () => cell.stdout().includes('step 8'), 60_000, 50);
    const { source, samples } = await watchServer();
    const status = await cell.done;
    const doneAt = Date.now();
    assert.equal(status, 'ok', cell.stdout());
    const during = samples.filter((s) => s.kernelId === kernelId && s.t < doneAt);
    assert.ok(during.length >= 5, `only ${during.length} samples during the cell (held behind kernel_info?)`);
    assert.ok(during.every((s) => s.origin === 'usage_reply'));
    const first = during[0].rssBytes;
    const last = during.at(-1)!.rssBytes;
    console.log(`  ratchet seen mid-cell: ${during.length} samples, ${(first / MB).toFixed(0)} -> ${(last / MB).toFixed(0)} MB`);
    assert.ok(last - first > 40 * MB, `the ratchet was not seen: ${(first / MB).toFixed(0)} -> ${(last / MB).toFixed(0)} MB`);
    const view = source.kernel(kernelId)!;
    assert.equal(view.notebook, 'analysis/ratchet.ipynb');
    assert.equal(view.label, 'analysis/ratchet.ipynb');
    assert.equal(view.state, 'sampling');
    assert.ok(view.pid && server.kernelPids().includes(view.pid), `pid ${view.pid} is not one of the server's kernels`);
    assert.equal(view.limit?.source, 'kernel-host');
    await server.shutdownKernel(kernelId);
  });

  it('the first sample after connecting mid-cell comes within seconds, not when the cell ends', async () => {
    const { kernelId } = await server.createSession('long.ipynb');
    const client = server.connect(kernelId);
    const cell = await server.execute(client, 'import time\nx = []\nfor i in range(80):\n    x.append(bytearray(2_000_000)); print(f"step {i}", flush=True); time.sleep(0.25)\n');
    await until('the cell to reach step 4', () => cell.stdout().includes('step 4'), 60_000, 50);
    const { samples } = await watchServer();
    const startedWatching = Date.now();
    const third = await until('three samples', () => samples.filter((s) => s.kernelId === kernelId)[2], 30_000, 50);
    console.log(`  mid-cell connect: 3 samples within ${third.t - startedWatching} ms`);
    await cell.done;
    assert.ok(third.t < Date.now() - 2000, 'the third sample came only as the cell ended');
    await server.shutdownKernel(kernelId);
  });

  it('alarms with sawtooth-ratchet on a cycle-garbage cell sampled over the protocol', async () => {
    const { kernelId } = await server.createSession('cycles.ipynb');
    const client = server.connect(kernelId);
    const { samples } = await watchServer();
    const detector = new GrowthDetector();
    const t0 = Date.now();
    const cell = await server.execute(client, RATCHETING_CYCLE_CELL);
    assert.equal(await cell.done, 'ok');
    for (const sample of samples.filter((s) => s.kernelId === kernelId)) detector.push((sample.t - t0) / 1000, sample.rssBytes);
    const verdict = detector.verdict();
    console.log(`  cycle cell over usage_request: ${verdict.samples} samples, ${verdict.pattern}, alarmed ${verdict.firstAlarmAt !== null}, peak ${(verdict.peakBytes / MB).toFixed(0)} MB`);
    assert.ok(verdict.firstAlarmAt !== null, 'no alarm');
    assert.equal(verdict.lastAlarmPattern, 'sawtooth-ratchet');
    await server.shutdownKernel(kernelId);
  });

  it('reads a kernel on this machine from /proc, keeping its notebook label', async () => {
    const { kernelId } = await server.createSession('local.ipynb');
    const { source, samples } = await watchServer({ sampleLocally: true });
    await until('a procfs sample', () => samples.find((s) => s.kernelId === kernelId && s.origin === 'procfs'), 30_000, 50);
    const view = source.kernel(kernelId)!;
    assert.equal(view.sampledLocally, true);
    assert.equal(view.label, 'local.ipynb');
    assert.ok(server.kernelPids().includes(view.pid!));
    assert.ok(view.limit && view.limit.source !== 'kernel-host', 'a local kernel gets its cgroup limit, else RAM');
    await server.shutdownKernel(kernelId);
  });

  it('a restart gives a restart event and the series goes on; a shut-down kernel ends its series', async () => {
    const { kernelId } = await server.createSession('restart.ipynb');
    for (const sampleLocally of [false, true]) {
      const { source, samples, restarts, exits } = await watchServer({ sampleLocally });
      const ofKernel = () => samples.filter((s) => s.kernelId === kernelId);
      const firstPid = (await until('a first sample', () => ofKernel()[0], 30_000, 50)).pid;
      await server.restartKernel(kernelId);
      const restart = await until('the restart event', () => restarts[0], 30_000, 50);
      assert.equal(restart.previousPid, firstPid);
      assert.notEqual(restart.pid, firstPid);
      const afterRestart = await until('a sample of the new process', () => ofKernel().find((s) => s.pid === restart.pid), 30_000, 50);
      assert.equal(afterRestart.processKey, ofKernel()[0].processKey, 'the series key survives the restart');
      assert.equal(exits.length, 0);
      assert.equal(source.kernel(kernelId)!.restarts, 1);
      if (sampleLocally) {
        await server.shutdownKernel(kernelId);
        const exit = await until('the end of the series', () => exits[0], 30_000, 50);
        assert.equal(exit.kernelId, kernelId);
        assert.equal(exit.cause, 'shut-down');
        const count = ofKernel().length;
        await new Promise((resolve) => setTimeout(resolve, 600));
        assert.equal(ofKernel().length, count, 'samples after the end');
        assert.equal(source.kernel(kernelId), undefined);
      } else {
        source.dispose();
      }
    }
  });

  it('marks a kernel that stops answering (SIGSTOP) as not answering, without an exception, and resumes', async () => {
    const { kernelId } = await server.createSession('stopped.ipynb');
    const { source } = await watchServer();
    await until('sampling', () => source.kernel(kernelId)?.state === 'sampling', 30_000, 50);
    const pid = source.kernel(kernelId)!.pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      await until('not answering', () => source.kernel(kernelId)?.state === 'not-answering', 30_000, 50);
      assert.match(source.kernel(kernelId)!.reason!, /stopped answering/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await until('sampling again', () => source.kernel(kernelId)?.state === 'sampling', 30_000, 50);
    await server.shutdownKernel(kernelId);
  });

  it('lists a kernel without usage_request with the plain reason', async () => {
    const { kernelId } = await server.createSession('old.ipynb', 'old-ipykernel');
    const { source, samples } = await watchServer();
    await until('the no-usage state', () => source.kernel(kernelId)?.state === 'no-usage', 60_000, 100);
    const view = source.kernel(kernelId)!;
    assert.equal(view.reason, NO_USAGE_REASON);
    assert.equal(view.label, 'old.ipynb');
    assert.equal(samples.filter((s) => s.kernelId === kernelId).length, 0);
    await server.shutdownKernel(kernelId);
  });

  it('lists kernels that start after connecting', async () => {
    const { source } = await watchServer();
    const { kernelId } = await server.createSession('later.ipynb');
    await until('the new kernel', () => source.kernel(kernelId)?.state === 'sampling', 30_000, 50);
    await server.shutdownKernel(kernelId);
  });

  it('refuses a wrong token and a dead server with RemoteServerError, and ends when the server goes', async () => {
    await assert.rejects(JupyterServerSource.connect({ url: server.url, token: 'wrong' }), (error: Error) => error instanceof RemoteServerError && error.kind === 'refused-token' && !error.message.includes('wrong'));
    const port = await freePort();
    await assert.rejects(JupyterServerSource.connect({ url: `http://127.0.0.1:${port}/`, token: 'x' }), (error: Error) => error instanceof RemoteServerError && error.kind === 'unreachable' && /connection refused/.test(error.message));
    const doomed = await TestJupyterServer.start();
    try {
      const { kernelId } = await doomed.createSession('doomed.ipynb');
      const source = await JupyterServerSource.connect({ url: doomed.url, token: doomed.token, intervalMs: 250, refreshMs: 300, sampleLocally: false });
      sources.push(source);
      const exits: RemoteKernelExit[] = [];
      source.onExit((exit) => exits.push(exit));
      let gone: string | undefined;
      source.onServerGone((reason) => (gone = reason));
      await until('a sample', () => source.kernel(kernelId)?.state === 'sampling', 30_000, 50);
      await doomed.stop();
      await until('the server to count as gone', () => gone, 30_000, 50);
      assert.match(gone!, /cannot reach the Jupyter Server/);
      // A stopping jupyter_server shuts its kernels down before it stops answering: a listing in
      // between sees the kernel gone ('shut-down'); either way the series ends once.
      assert.equal(exits.length, 1, JSON.stringify(exits));
      assert.ok(exits[0].cause === 'server-gone' || exits[0].cause === 'shut-down', exits[0].cause);
    } finally {
      await doomed.stop();
    }
  });
});

describe('Jupyter Server source under a base URL', () => {
  it('works with --ServerApp.base_url=/user/demo/', async () => {
    const hub = await TestJupyterServer.start({ baseUrl: '/user/demo/' });
    try {
      const { kernelId } = await hub.createSession('hub.ipynb');
      const source = await JupyterServerSource.connect({ url: hub.url, token: hub.token, intervalMs: 250, sampleLocally: false });
      sources.push(source);
      await until('a sample through /user/demo/', () => source.kernel(kernelId)?.state === 'sampling', 30_000, 50);
      assert.equal(source.kernel(kernelId)!.server, hub.url);
      assert.ok(hub.url.endsWith('/user/demo/'));
      await assert.rejects(
        JupyterServerSource.connect({ url: hub.url.replace('/user/demo/', '/'), token: hub.token }),
        (error: Error) => error instanceof RemoteServerError && error.kind === 'not-jupyter',
      );
      source.dispose();
    } finally {
      await hub.stop();
    }
  });
});
