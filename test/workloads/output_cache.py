"""Cause 3 outside a notebook: an output cache that keeps every displayed frame alive.

IPython stores a cell's last expression in Out[n]; a view such as df.head() keeps the whole
block alive. This script mimics that with a dict of heads, one per simulated cell run,
with idle time between runs: a staircase per execution. The idle time is at least twice the
run's own time, as a person's pause between cells does not shrink when the machine is slow: on a
saturated machine the 80 MB allocation stretches, and without this the steps merge into a ramp.
"""
import time

import numpy as np
import pandas as pd

from _common import parse

args = parse(__doc__, iterations=10, sleep=0.5)
out = {}
for n in range(1, args.iterations + 1):
    started = time.monotonic()
    df = pd.DataFrame(np.random.rand(2_000_000, 5))
    out[n] = df.head()  # keeps the 80 MB block alive, as Out[n] does
    del df
    time.sleep(max(args.sleep, 2 * (time.monotonic() - started)))
