"""IPython's output cache: the same cell re-run, its last line `df.head()`, in a real IPython shell.

Follows ipython/ipython#14129 (https://github.com/ipython/ipython/issues/14129): outputs of
repeated cells pile up in the output history (Out[n], _n, _, __, ___), and a view such as
df.head() keeps the whole block it views. With --cache-size 0 (the setting tried in
ipython/ipython#3452, https://github.com/ipython/ipython/issues/3452) IPython 8 stores no
output at all, so the same session stays flat.
"""
import time

from IPython.core.interactiveshell import InteractiveShell

from _wild import parse

args = parse(__doc__, iterations=10, sleep=2.0, extra=lambda p: p.add_argument("--cache-size", type=int, default=1000))
shell = InteractiveShell.instance(cache_size=args.cache_size)
shell.run_cell("import numpy as np\nimport pandas as pd", store_history=True)
cell = "df = pd.DataFrame(np.random.rand(1_000_000, 5))\ndf['total'] = df.sum(axis=1)\ndf.head()"
for i in range(args.iterations):
    result = shell.run_cell(cell, store_history=True)
    result.raise_error()
    del result
    time.sleep(args.sleep)
