"""Healthy: a one-off cache fill (a dataset loaded at start), then steady work for a while.
The detector must not alarm, and must end flat."""
import time

import numpy as np

from _common import parse

args = parse(__doc__, iterations=60, sleep=0.08)
cache = [np.ones(2_000_000) for _ in range(20)]  # 320 MB, filled at once
for i in range(args.iterations):
    total = sum(float(block[0]) for block in cache)
    scratch = np.ones(500_000)  # small temporaries, freed each time
    del scratch
    time.sleep(args.sleep)
