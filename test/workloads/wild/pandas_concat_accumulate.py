"""Live data growth: a frame rebuilt by concatenation and de-duplication after every file.

Follows pandas-dev/pandas#35407 (https://github.com/pandas-dev/pandas/issues/35407), where a
user explains why DataFrame.append still mattered to them: each file read is appended to a
running total and duplicates are dropped at once (`total_df = total_df.append(df).drop_duplicates()`,
now written with pd.concat). The total keeps a share of every file, so live data grows for as
long as files come; each concat also copies the whole total, so every step is a short tooth.
"""
import time

import numpy as np
import pandas as pd

from _wild import parse

args = parse(__doc__, iterations=40, sleep=0.3)
rng = np.random.default_rng(5)
total = pd.DataFrame({c: pd.Series(dtype="float64") for c in "abcd"})
for i in range(args.iterations):
    # one "file": 100k rows, a quarter of them seen before (rounded values repeat)
    chunk = pd.DataFrame(rng.random((100_000, 4)).round(3), columns=list("abcd"))
    chunk.iloc[:25_000] = chunk.iloc[:25_000].round(1)
    total = pd.concat([total, chunk], ignore_index=True).drop_duplicates()
    time.sleep(args.sleep)
