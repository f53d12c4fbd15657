// "What holds the live data" on a real ipykernel (Debian python3-ipykernel, pandas 1.5, numpy
// 1.24): the diagnosis names each variable or Out entry that holds memory, with the right owner
// and its size within 10 %, and leaves the user's namespace as it found it.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { KernelBridge } from '../../src/kernel/kernelBridge';
import type { LiveData, LiveDataHolder } from '../../src/kernel/liveData';
import { TestKernel } from '../kernel/testKernel';

const MB = 1e6;
const kernels: TestKernel[] = [];
after(() => kernels.forEach((kernel) => kernel.dispose()));

async function startKernel(): Promise<{ kernel: TestKernel; bridge: KernelBridge }> {
  const kernel = await TestKernel.start();
  kernels.push(kernel);
  return { kernel, bridge: new KernelBridge(kernel) };
}

/** Runs a cell as the user would and returns its execution count. */
async function run(kernel: TestKernel, code: string): Promise<number> {
  const result = await kernel.runCell(code);
  assert.equal(result.status, 'ok', `${code}\n${JSON.stringify(result.outputs).slice(0, 2000)}`);
  return result.executionCount;
}

// Every key of the user namespace, read through exec with private globals (leaves nothing itself).
const NAMESPACE_KEYS = `__import__('builtins').exec("import json\\nprint('KEYS' + json.dumps(sorted(get_ipython().user_ns)))", {'get_ipython': get_ipython})`;

async function namespaceKeys(kernel: TestKernel): Promise<string[]> {
  let text = '';
  for await (const output of kernel.executeCode(NAMESPACE_KEYS, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) })) {
    for (const item of output.items) text += Buffer.from(item.data).toString('utf8');
  }
  const line = text.split('\n').find((l) => l.startsWith('KEYS'));
  assert.ok(line, `no keys in ${text}`);
  return JSON.parse(line.slice(4)) as string[];
}

function find(liveData: LiveData | null, name: string): LiveDataHolder {
  const holder = liveData?.holders.find((h) => h.name === name);
  assert.ok(holder, `${name} is not among ${JSON.stringify(liveData?.holders.map((h) => [h.name, h.bytes]))}`);
  return holder;
}

function within10Percent(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 0.1 * expected, `${what}: ${(actual / MB).toFixed(1)} MB, expected ${(expected / MB).toFixed(1)} MB ± 10 %`);
}

function show(liveData: LiveData | null): string {
  return (liveData?.holders ?? []).map((h) => `${h.name} ${(h.bytes / MB).toFixed(1)} MB${h.sharedWith ? ` (shares ${(h.sharedBytes / MB).toFixed(0)} MB with ${h.sharedWith})` : ''}`).join(', ');
}

describe('what holds the live data, on a real ipykernel', { concurrency: 1 }, () => {
  it('names a 400 MB frame, a view and its base, a dict of 1,000 frames, and a df.head() in Out', async () => {
    const { kernel, bridge } = await startKernel();
    await run(kernel, 'import numpy as np, pandas as pd');
    const bigCell = await run(kernel, 'big = pd.DataFrame(np.random.rand(10_000_000, 5))');
    const viewCell = await run(kernel, 'base = np.random.rand(25_000_000)\nview = base[::2]');
    const framesCell = await run(kernel, 'frames = {i: pd.DataFrame(np.random.rand(2_500, 4)) for i in range(1_000)}');
    await run(kernel, 'df = pd.DataFrame(np.random.rand(7_500_000, 5))');
    const headCell = await run(kernel, 'df.head()');
    const keysBefore = await namespaceKeys(kernel);

    const diagnosis = await bridge.diagnose();
    const liveData = diagnosis.liveData;
    console.log(`  holders in ${((liveData?.seconds ?? 0) * 1000).toFixed(0)} ms: ${show(liveData)}`);
    assert.deepEqual(await namespaceKeys(kernel), keysBefore, 'the diagnosis left names behind or took some away');
    assert.equal(liveData?.truncated, false);

    const big = find(liveData, 'big');
    assert.equal(big.type, 'DataFrame');
    assert.deepEqual(big.shape, [10_000_000, 5]);
    within10Percent(big.bytes, 400 * MB, 'big');
    assert.equal(big.cell, bigCell);

    // one 200 MB buffer: the base owns it, the view shares it (del base alone frees nothing)
    const base = find(liveData, 'base');
    within10Percent(base.bytes, 200 * MB, 'base');
    assert.deepEqual(base.heldBy, ['view']);
    const view = find(liveData, 'view');
    assert.ok(view.isView && view.sharedWith === 'base', JSON.stringify(view));
    assert.ok(view.bytes < 1 * MB, `the view owns ${view.bytes} bytes`);
    within10Percent(view.sharedBytes, 200 * MB, 'what the view keeps alive');
    assert.equal(view.cell, viewCell);

    const frames = find(liveData, 'frames');
    assert.equal(frames.type, 'dict');
    assert.deepEqual(frames.shape, [1000]);
    within10Percent(frames.bytes, 1000 * 2500 * 4 * 8, 'frames');
    assert.equal(frames.cell, framesCell);

    // pandas 1.5's head() is a view of the frame's block: while df lives, df owns the 300 MB
    const df = find(liveData, 'df');
    within10Percent(df.bytes, 300 * MB, 'df');
    assert.deepEqual(df.heldBy, [`Out[${headCell}]`]);
    const head = find(liveData, `Out[${headCell}]`);
    assert.equal(head.sharedWith, 'df');
    assert.ok(head.bytes < 1 * MB);
    assert.deepEqual(head.shape, [5, 5]);
    assert.equal(head.cell, headCell);
    assert.ok(head.aliases.includes('_'), JSON.stringify(head.aliases));
    within10Percent(liveData?.totalBytes ?? 0, 980 * MB, 'all holders together');
  });

  it("makes the head() in Out the owner once its frame is rebound, finds what %reset out leaves, and clearing frees it", async () => {
    const { kernel, bridge } = await startKernel();
    await run(kernel, 'import numpy as np, pandas as pd\ndf = pd.DataFrame(np.random.rand(7_500_000, 5))');
    const headCell = await run(kernel, 'df.head()');
    const rebindCell = await run(kernel, 'df = pd.DataFrame(np.random.rand(7_500_000, 5))');
    const liveData = (await bridge.diagnose()).liveData;
    console.log(`  after rebinding: ${show(liveData)}`);
    const head = find(liveData, `Out[${headCell}]`);
    within10Percent(head.bytes, 300 * MB, `Out[${headCell}]`);
    assert.equal(head.sharedWith, null);
    assert.ok(head.extentBytes !== null && head.extentBytes < 1000, `a head() of 5 rows: ${head.extentBytes}`);
    assert.ok(head.aliases.includes(`_${headCell}`), JSON.stringify(head.aliases));
    within10Percent(find(liveData, 'df').bytes, 300 * MB, 'the new df');
    assert.equal(find(liveData, 'df').cell, rebindCell);

    // The user's own %reset -f out: before IPython 8.15 its hidden _N copy still holds the block.
    const before = (await bridge.probe()).rssBytes!;
    await run(kernel, '%reset -f out');
    const afterUserReset = (await bridge.probe()).rssBytes!;
    const left = (await bridge.diagnose()).liveData;
    console.log(`  user's %reset -f out: RSS ${(before / MB).toFixed(0)} -> ${(afterUserReset / MB).toFixed(0)} MB; ${show(left)}`);
    const orphan = left?.holders.find((h) => h.name === `_${headCell}`);
    if (before - afterUserReset < 250 * MB) {
      assert.ok(orphan, 'the memory is still held, and the report must say by what');
      within10Percent(orphan.bytes, 300 * MB, `_${headCell} in user_ns_hidden`);
      assert.ok(orphan.hiddenRefs.includes(`_${headCell}`), JSON.stringify(orphan.hiddenRefs));
      assert.equal(orphan.cell, headCell);
    } else {
      assert.equal(orphan, undefined);
    }
    // Clear Output Cache (after the user agreed) drops the hidden copies too: the 300 MB come back
    await bridge.clearOutputCache();
    const afterClear = (await bridge.probe()).rssBytes!;
    console.log(`  Clear Output Cache: RSS ${(afterUserReset / MB).toFixed(0)} -> ${(afterClear / MB).toFixed(0)} MB`);
    assert.ok(before - afterClear > 250 * MB, `RSS ${before} -> ${afterClear}`);
    assert.equal((await bridge.diagnose()).liveData?.holders.some((h) => h.bytes > 100 * MB && h.name !== 'df'), false);
  });

  it('stops a walk at its bound with a note instead of hanging, and still sizes the rest', async () => {
    const { kernel, bridge } = await startKernel();
    await run(kernel, 'import numpy as np\nhuge = [[i] for i in range(1_500_000)]\narr = np.ones(50_000_000)');
    const keysBefore = await namespaceKeys(kernel);
    const started = performance.now();
    const liveData = (await bridge.diagnose()).liveData;
    console.log(`  bounded walk: diagnose ${(performance.now() - started).toFixed(0)} ms, scan ${((liveData?.seconds ?? 0) * 1000).toFixed(0)} ms, ${liveData?.objectsVisited} objects: ${show(liveData)}`);
    assert.equal(liveData?.truncated, true);
    assert.equal(find(liveData, 'huge').truncated, true);
    within10Percent(find(liveData, 'arr').bytes, 400 * MB, 'arr');
    assert.deepEqual(await namespaceKeys(kernel), keysBefore);
  });
});
