import { KernelBridge } from '../../src/kernel/kernelBridge';
import { TestKernel } from '../kernel/testKernel';
void (async () => {
const kernel = await TestKernel.start();
try {
  const bridge = new KernelBridge(kernel);
  const cells = [
    'import numpy as np, pandas as pd, gc, sys\ndf = pd.DataFrame(np.random.rand(7_500_000, 5))\nimport weakref\nroot=df._mgr.blocks[0].values.base\nprint(type(root), root.nbytes)\nw=id(root)\ndel root',
    'df.head()',
    'df = pd.DataFrame(np.random.rand(7_500_000, 5))',
    'wr = weakref.ref(Out[2])',
  ];
  for (const c of cells) { const r = await kernel.runCell(c); console.log(r.status, JSON.stringify(r.outputs).slice(0,300)); }
  console.log((await bridge.probe()).rssBytes! / 1e6);
  await bridge.clearOutputCache();
  console.log((await bridge.probe()).rssBytes! / 1e6);
  const r = await kernel.runCell('h=wr()\nprint(h is None)\nif h is not None:\n    for r in gc.get_referrers(h):\n        print(type(r), str(r)[:200] if not isinstance(r, dict) else [k for k,v in r.items() if v is h][:5])\ndel h\nprint(sorted(k for k in get_ipython().user_ns if k.startswith("_")))');
  console.log(JSON.stringify(r.outputs));
  await bridge.diagnose();
  console.log((await bridge.probe()).rssBytes! / 1e6);
} finally { kernel.dispose(); }
})();
