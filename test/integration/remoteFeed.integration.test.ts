// A real jupyter_server's kernels in the memory model (what the gauge and the panel read), with
// the real JupyterServerSource over the protocol (usage_reply, not /proc): the kernel under its
// notebook's name as `remote`, its memory and the host's RAM as the limit, a restart marker on
// the same series, its end when shut down, and a kernel without usage_request with its reason.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryModel } from '../../src/model/memoryModel';
import { RemoteKernelFeed } from '../../src/model/remoteFeed';
import { JupyterServerSource } from '../../src/remote/jupyterServerSource';
import { OLD_IPYKERNEL, TestJupyterServer } from '../support/jupyterServer';
import { until } from '../support/wait';

const MB = 1024 * 1024;
let server: TestJupyterServer;

before(async () => {
  server = await TestJupyterServer.start({ baseUrl: '/user/demo/', kernelSpecs: { 'old-ipykernel': OLD_IPYKERNEL } });
});
after(async () => {
  await server?.stop(); // the server and every kernel, by PID
});

describe('Jupyter Server kernels in the memory model', () => {
  it('labels, memory, limit source, restart marker, series end, and a kernel that does not report', { timeout: 240_000 }, async () => {
    const { kernelId } = await server.createSession('analysis/demo.ipynb');
    const cell = await server.execute(server.connect(kernelId), 'kept = bytearray(150 * 1024 * 1024)\nkept[::4096] = b"x" * len(kept[::4096])');
    assert.equal(await cell.done, 'ok', cell.stdout());
    const model = new MemoryModel();
    const source = await JupyterServerSource.connect({ url: server.url, token: server.token, intervalMs: 250, refreshMs: 500, sampleLocally: false });
    const feed = new RemoteKernelFeed(model, source);
    try {
      const key = source.kernels().find((kernel) => kernel.kernelId === kernelId)!.key;
      const view = await until('the kernel in the model with its memory', () => {
        const found = model.process(key);
        return found && found.rssBytes >= 150 * MB ? found : undefined;
      }, 60_000, 50);
      assert.equal(view.label, 'demo.ipynb');
      assert.equal(view.source, 'remote');
      assert.equal(view.limitSource, "the kernel host's RAM (usage_reply)");
      assert.ok(view.limitBytes !== null && view.limitBytes > view.rssBytes);
      assert.match(view.note ?? '', /the memory the kernel reports \(usage_reply/);
      assert.equal(view.status, undefined);
      assert.ok(model.series()[key].length >= 1);

      await server.restartKernel(kernelId);
      await until('a restart marker', () => model.markers().some((marker) => marker.key === key && marker.kind === 'restart'), 60_000, 50);
      const before = model.series()[key].length;
      await until('samples after the restart on the same series', () => model.series()[key].length > before, 30_000, 50);
      assert.equal(model.processes().filter((p) => p.label === 'demo.ipynb').length, 1, 'one line across the restart');

      await server.shutdownKernel(kernelId);
      await until('the series to end', () => model.process(key)?.exited, 30_000, 50);
      assert.ok(model.markers().some((marker) => marker.key === key && marker.kind === 'exit'));

      const old = await server.createSession('legacy/old.ipynb', 'old-ipykernel');
      const silent = await until('the old kernel listed with its reason', () => {
        const found = model.processes().find((p) => p.label === 'old.ipynb');
        return found?.status === 'does not report its memory' ? found : undefined;
      }, 60_000, 100);
      assert.match(silent.note ?? '', /ipykernel ≥ 6\.11/);
      await server.shutdownKernel(old.kernelId);
    } finally {
      feed.dispose();
      source.dispose();
      model.dispose();
    }
  });
});
