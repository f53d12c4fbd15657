"""Healthy on this stack: the same small CSV read again and again.

Follows pandas-dev/pandas#51667 (https://github.com/pandas-dev/pandas/issues/51667), "Memory leak
after pd.read_csv() with default parameters": a 190 kB CSV read 30,000 times in a loop grew
RSS steadily with pandas 2.2.0 (fixed later; 2.1.4 did not leak). With Debian 12's pandas 1.5
the loop allocates and frees the same buffers each time: RSS rises once and then stays level.
"""
import os
import tempfile
import time

import numpy as np
import pandas as pd

from _wild import parse

args = parse(__doc__, iterations=2500, sleep=0.01)
rng = np.random.default_rng(8)
frame = pd.DataFrame(rng.random((2_500, 8)), columns=[f"c{i}" for i in range(8)])
frame["name"] = [f"item-{i % 97}" for i in range(len(frame))]
with tempfile.TemporaryDirectory() as directory:
    path = os.path.join(directory, "testfile.csv")
    frame.to_csv(path, index=False)
    for i in range(args.iterations):
        df = pd.read_csv(path)
        time.sleep(args.sleep)
