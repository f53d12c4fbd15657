// The kernel bridge over a Jupyter Server kernel (execute_request on the source's own
// KernelConnection): diagnose separates cyclic garbage from allocator retention as it does
// locally (test/integration/kernelBridge.integration.test.ts), and refuses while a cell runs.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { readMemoryLimit } from '../../src/core/limits';
import { KernelBridge, KernelBusyError } from '../../src/kernel/kernelBridge';
import { JupyterServerSource } from '../../src/remote/jupyterServerSource';
import { LimitProber } from '../../src/remote/limitProbe';
import { MemoryCgroup } from '../support/memoryCgroup';
import { TestJupyterServer } from '../support/jupyterServer';
import { until } from '../support/wait';
import { CYCLE_GARBAGE_CELL, RETENTION_CELL } from '../support/cells';

const MB = 1024 * 1024;
let server: TestJupyterServer;
let source: JupyterServerSource;
before(async () => {
  server = await TestJupyterServer.start();
  source = await JupyterServerSource.connect({ url: server.url, token: server.token, intervalMs: 500, refreshMs: 500, sampleLocally: false });
});
after(async () => {
  source?.dispose();
  await server?.stop();
});

async function bridgeFor(notebook: string): Promise<{ kernelId: string; bridge: KernelBridge }> {
  const { kernelId } = await server.createSession(notebook);
  await source.refresh();
  await until('the kernel sampled', () => source.kernel(kernelId)?.state === 'sampling', 30_000, 50);
  const kernel = source.bridgeKernelOf(kernelId)!;
  await until('the kernel idle', () => kernel.status === 'idle', 30_000, 50);
  return { kernelId, bridge: new KernelBridge(kernel) };
}

describe('kernel bridge over a Jupyter Server', { concurrency: 1 }, () => {
  it('diagnoses cyclic garbage as dominant, and allocator retention on the retention cell', async () => {
    const cycle = await bridgeFor('cycle.ipynb');
    const client = server.connect(cycle.kernelId);
    assert.equal(await (await server.execute(client, CYCLE_GARBAGE_CELL)).done, 'ok');
    await until('idle after the cell', () => cycle.bridge.status === 'idle', 30_000, 50);
    const probe = await cycle.bridge.probe();
    assert.equal(probe.pid, source.kernel(cycle.kernelId)!.pid);
    const garbage = await cycle.bridge.diagnose();
    console.log(`  remote cycle: gc freed ${(garbage.cyclicGarbageBytes / MB).toFixed(0)} MB, trim ${(garbage.allocatorRetentionBytes / MB).toFixed(0)} MB`);
    assert.equal(garbage.dominant, 'cyclic-garbage');
    assert.ok(garbage.cyclicGarbageBytes > 200 * MB);

    const retention = await bridgeFor('retention.ipynb');
    const client2 = server.connect(retention.kernelId);
    assert.equal(await (await server.execute(client2, RETENTION_CELL)).done, 'ok');
    await until('idle after the cell', () => retention.bridge.status === 'idle', 30_000, 50);
    const retained = await retention.bridge.diagnose();
    console.log(`  remote retention: trim returned ${(retained.allocatorRetentionBytes / MB).toFixed(0)} MB, gc ${(retained.cyclicGarbageBytes / MB).toFixed(0)} MB`);
    assert.equal(retained.dominant, 'allocator-retention');
    assert.ok(retained.allocatorRetentionBytes > 100 * MB);
  });

  it('refuses while a cell runs, though usage requests keep the kernel flickering busy/idle', async () => {
    const { kernelId, bridge } = await bridgeFor('busy.ipynb');
    const client = server.connect(kernelId);
    const cell = await server.execute(client, 'import time\nfor i in range(40):\n    print(f"step {i}", flush=True); time.sleep(0.1)\n');
    await until('the cell running', () => cell.stdout().includes('step 3'), 30_000, 20);
    await assert.rejects(bridge.diagnose(), KernelBusyError);
    assert.equal(await cell.done, 'ok');
  });

  it("learns the kernel's own cgroup limit with the probe (a pod's limit), in place of the host's RAM", async () => {
    const { kernelId } = await bridgeFor('limited.ipynb');
    const before = source.kernel(kernelId)!;
    assert.equal(before.limit?.source, 'kernel-host', 'before the probe, the reply gives the host RAM');
    const cgroup = MemoryCgroup.create(700 * MB);
    const kernelPid = before.pid!;
    try {
      if (typeof cgroup === 'string') {
        // No cgroup can be made here: the probe must still agree with what this machine reads.
        console.log(`  no test cgroup (${cgroup}); comparing with this machine's own reading`);
      } else {
        cgroup.enter(kernelPid);
      }
      const prober = new LimitProber((view, message) => assert.fail(`${view.label}: ${message}`));
      await prober.sweep(source);
      const after = source.kernel(kernelId)!;
      assert.ok(prober.probed(after), 'the sweep probed the idle kernel');
      const local = readMemoryLimit(kernelPid);
      if (typeof cgroup !== 'string') {
        assert.deepEqual(after.limit, { bytes: 700 * MB, source: cgroup.version });
        console.log(`  probed limit: ${after.limit.bytes / MB} MB (${after.limit.source}); host RAM ${(before.limit.bytes / MB).toFixed(0)} MB`);
      } else if (local.source === 'ram') {
        assert.equal(after.limit?.source, 'kernel-host');
      } else {
        assert.deepEqual(after.limit, { bytes: local.bytes, source: local.source });
      }
      // Once per kernel process: a second sweep sends nothing.
      const kernel = source.bridgeKernelOf(kernelId)!;
      let executed = 0;
      const counting = { ...kernel, status: kernel.status, onDidChangeStatus: kernel.onDidChangeStatus.bind(kernel), dispose: () => kernel.dispose(), executeCode: (code: string, token: Parameters<typeof kernel.executeCode>[1]) => (executed++, kernel.executeCode(code, token)) };
      await prober.sweep({ kernels: () => source.kernels(), bridgeKernelOf: () => counting, setProbedLimit: () => assert.fail('probed twice') });
      assert.equal(executed, 0);
    } finally {
      await server.shutdownKernel(kernelId);
      await until('the limited kernel to exit', () => !existsSync(`/proc/${kernelPid}`), 30_000, 50).catch(() => process.kill(kernelPid, 'SIGKILL'));
      if (typeof cgroup !== 'string') cgroup.remove();
    }
  });
});
