"""Healthy: a big concatenation whose result is thrown away, over and over.

Follows pandas-dev/pandas#44982 (https://github.com/pandas-dev/pandas/issues/44982), "Memory leak
with pandas.concat": `while True: pd.concat([df1, df2], axis=0)` on two 10-million-row frames,
reported as RSS that keeps growing. Here the frames have 5 million rows each, so each result is 80 MB, large enough to be mmapped and
returned on free: a tall tooth per call above a level floor.
"""
import time

import pandas as pd

from _wild import parse

args = parse(__doc__, iterations=60, sleep=0.4)
df1 = pd.DataFrame(data={"col": range(5_000_000)})
df2 = pd.DataFrame(data={"col": range(5_000_000)})
for i in range(args.iterations):
    pd.concat([df1, df2], axis=0)
    time.sleep(args.sleep)
