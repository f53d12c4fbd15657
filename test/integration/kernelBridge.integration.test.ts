// The kernel bridge against a real ipykernel (Debian python3-ipykernel), through a test
// implementation of the Jupyter extension's Kernel API.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { KernelBridge, KernelBusyError } from '../../src/kernel/kernelBridge';
import { TestKernel } from '../kernel/testKernel';

const MB = 1024 * 1024;
const kernels: TestKernel[] = [];
after(() => kernels.forEach((kernel) => kernel.dispose()));

async function startKernel(): Promise<{ kernel: TestKernel; bridge: KernelBridge }> {
  const kernel = await TestKernel.start();
  kernels.push(kernel);
  return { kernel, bridge: new KernelBridge(kernel) };
}

// What the user's session looks like, read without leaving a trace (exec with private globals).
const SESSION_STATE = `__import__('builtins').exec("import json\\nshell = get_ipython()\\nprint('STATE' + json.dumps({'names': sorted(k for k in shell.user_ns if not k.startswith('_i')), 'out': sorted(shell.user_ns['Out']), 'count': shell.execution_count, 'underscore': repr(type(shell.user_ns.get('_')))}))", {'get_ipython': get_ipython})`;

async function sessionState(kernel: TestKernel): Promise<unknown> {
  let text = '';
  for await (const output of kernel.executeCode(SESSION_STATE, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) })) {
    for (const item of output.items) text += Buffer.from(item.data).toString('utf8');
  }
  const line = text.split('\n').find((l) => l.startsWith('STATE'));
  assert.ok(line, `no state in ${text}`);
  return JSON.parse(line.slice(5));
}

const OUTPUT_CACHE_CELL = `
import numpy as np, pandas as pd
df = pd.DataFrame(np.random.rand(2_000_000, 5))
df.head()
`;
import { CYCLE_GARBAGE_CELL, RETENTION_CELL } from '../support/cells';

describe('kernel bridge on a real ipykernel', { concurrency: 1 }, () => {
  it('learns the kernel PID and interpreter while idle', async () => {
    const { kernel, bridge } = await startKernel();
    const probe = await bridge.probe();
    assert.equal(probe.pid, kernel.pid);
    assert.equal(probe.executable, '/usr/bin/python3');
    assert.ok(probe.rssBytes! > 10 * MB);
  });

  it('diagnoses cyclic garbage as the dominant part, and leaves no trace in the session', async () => {
    const { kernel, bridge } = await startKernel();
    assert.equal((await kernel.runCell(CYCLE_GARBAGE_CELL)).status, 'ok');
    const before = await sessionState(kernel);
    const started = performance.now();
    const diagnosis = await bridge.diagnose();
    const wallMs = performance.now() - started;
    console.log(`  cycle: diagnose ${wallMs.toFixed(0)} ms; gc freed ${(diagnosis.cyclicGarbageBytes / MB).toFixed(0)} MB (${diagnosis.collectedObjects} objects), trim ${(diagnosis.allocatorRetentionBytes / MB).toFixed(0)} MB`);
    assert.equal(diagnosis.dominant, 'cyclic-garbage');
    assert.ok(diagnosis.cyclicGarbageBytes > 200 * MB, `${diagnosis.cyclicGarbageBytes}`);
    assert.ok(diagnosis.collectedObjects > 0);
    assert.deepEqual(await sessionState(kernel), before, 'diagnose changed the user namespace, Out or the execution count');
  });

  it('diagnoses allocator retention, with mallinfo2 figures', async () => {
    const { kernel, bridge } = await startKernel();
    assert.equal((await kernel.runCell(RETENTION_CELL)).status, 'ok');
    const diagnosis = await bridge.diagnose();
    console.log(`  retention: trim returned ${(diagnosis.allocatorRetentionBytes / MB).toFixed(0)} MB, gc ${(diagnosis.cyclicGarbageBytes / MB).toFixed(0)} MB; free in arenas ${((diagnosis.mallinfoBefore?.freeInArenasBytes ?? 0) / MB).toFixed(0)} -> ${((diagnosis.mallinfoAfter?.freeInArenasBytes ?? 0) / MB).toFixed(0)} MB`);
    assert.equal(diagnosis.dominant, 'allocator-retention');
    assert.ok(diagnosis.allocatorRetentionBytes > 100 * MB);
    assert.equal(diagnosis.trimmed, true);
    assert.ok(diagnosis.mallinfoBefore && diagnosis.mallinfoBefore.freeInArenasBytes > diagnosis.allocatorRetentionBytes / 2);
  });

  it("diagnoses IPython's output cache when df.head() is the last line, re-run", async () => {
    const { kernel, bridge } = await startKernel();
    for (let run = 0; run < 4; run++) assert.equal((await kernel.runCell(OUTPUT_CACHE_CELL)).status, 'ok');
    const before = await sessionState(kernel);
    const diagnosis = await bridge.diagnose();
    console.log(`  output cache: ${diagnosis.outputCacheEntries} entries hold ${(diagnosis.outputCacheBytes / MB).toFixed(0)} MB`);
    assert.equal(diagnosis.dominant, 'output-cache');
    assert.ok(diagnosis.outputCacheBytes >= 3 * 76 * MB, `${diagnosis.outputCacheBytes}`);
    assert.equal(diagnosis.outputCacheEntries, 4);
    assert.deepEqual(await sessionState(kernel), before);
    // clearing it (after the user agreed) frees the frames
    const cleared = await bridge.clearOutputCache();
    assert.equal(cleared.freedEntries, 4);
    assert.ok(cleared.heldBytesAfter < 80 * MB);
  });

  it('release-now returns memory on the cycle and the retention cells', async () => {
    const { kernel, bridge } = await startKernel();
    assert.equal((await kernel.runCell(CYCLE_GARBAGE_CELL)).status, 'ok');
    const cycle = await bridge.release();
    assert.ok(cycle.rssBeforeBytes - cycle.rssAfterBytes > 200 * MB, `cycle ${cycle.rssBeforeBytes} -> ${cycle.rssAfterBytes}`);
    assert.equal((await kernel.runCell(RETENTION_CELL)).status, 'ok');
    const retention = await bridge.release();
    assert.ok(retention.rssBeforeBytes - retention.rssAfterBytes > 100 * MB, `retention ${retention.rssBeforeBytes} -> ${retention.rssAfterBytes}`);
    console.log(`  release: cycle ${(cycle.rssBeforeBytes / MB).toFixed(0)} -> ${(cycle.rssAfterBytes / MB).toFixed(0)} MB, retention ${(retention.rssBeforeBytes / MB).toFixed(0)} -> ${(retention.rssAfterBytes / MB).toFixed(0)} MB`);
  });

  it('refuses while a long cell runs, and works again once it is idle', async () => {
    const { kernel, bridge } = await startKernel();
    const cell = kernel.runCell('import time\ntime.sleep(2.5)');
    await kernel.waitFor('busy');
    await assert.rejects(bridge.diagnose(), KernelBusyError);
    await assert.rejects(bridge.release(), /running a cell/);
    await cell;
    await kernel.waitFor('idle');
    assert.equal((await bridge.probe()).pid, kernel.pid);
  });
});
