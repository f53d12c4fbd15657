// "What holds the live data" on a real ipykernel whose namespace holds 10,000 objects (numbers,
// strings, small lists and dicts, small arrays and frames, and one 80 MB frame): the scan's own
// time inside the kernel (median of 5 diagnoses) and the whole diagnosis as the host sees it.
import { resolve } from 'node:path';
import { KernelBridge } from '../../src/kernel/kernelBridge';

const NAMESPACE_10K = `
import numpy as np, pandas as pd
_g = globals()
for _n in range(10_000):
    _k = _n % 10
    if _k < 4:
        _g[f'v{_n}'] = _n * 1.5 if _k % 2 else f'text {_n}'
    elif _k < 7:
        _g[f'v{_n}'] = list(range(10))
    elif _k < 9:
        _g[f'v{_n}'] = {'a': _n, 'b': [1, 2, 3], 'c': 'x'}
    elif _n % 100 == 9:
        _g[f'v{_n}'] = pd.DataFrame(np.random.rand(100, 4))
    else:
        _g[f'v{_n}'] = np.random.rand(64)
big = pd.DataFrame(np.random.rand(2_000_000, 5))
del _g, _n, _k
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

async function main(): Promise<void> {
  // Bundled by scripts/bench.mjs, __dirname is this folder: tell the test kernel where its driver is.
  process.env.KMW_REPO_ROOT ??= resolve(__dirname, '../..');
  const { TestKernel } = await import('../kernel/testKernel');
  const kernel = await TestKernel.start();
  try {
    const cell = await kernel.runCell(NAMESPACE_10K);
    if (cell.status !== 'ok') throw new Error(`the namespace cell failed: ${JSON.stringify(cell.outputs).slice(0, 1000)}`);
    const bridge = new KernelBridge(kernel);
    const scans: number[] = [];
    const walls: number[] = [];
    let holders = 0;
    let truncated = false;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const liveData = (await bridge.diagnose()).liveData;
      walls.push(performance.now() - started);
      if (!liveData) throw new Error('the diagnosis measured no live data');
      scans.push(liveData.seconds * 1000);
      holders = liveData.holderCount;
      truncated ||= liveData.truncated;
    }
    console.log(`holders_scan_ms_10k: ${median(scans).toFixed(1)} ms (in the kernel, median of 5; ${holders} holders${truncated ? ', truncated' : ''})`);
    console.log(`diagnose_ms_10k: ${median(walls).toFixed(0)} ms (the whole diagnosis: collect, trim, scan, round trip)`);
  } finally {
    kernel.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
