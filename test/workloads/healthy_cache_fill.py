"""Healthy: a one-off cache fill (a dataset loaded at start), then steady work for a while.
The detector must not alarm, and must end flat. The steady phase lasts at least three times as
long as the fill took: on a saturated machine the 320 MB fill stretches over seconds, and a run
that ends soon after its fill is a climb to any watcher, not a plateau.
"""
import time

import numpy as np

from _common import parse

args = parse(__doc__, iterations=60, sleep=0.08)
started = time.monotonic()
cache = [np.ones(2_000_000) for _ in range(20)]  # 320 MB, filled at once
steady_until = time.monotonic() + 3 * (time.monotonic() - started)
i = 0
while i < args.iterations or time.monotonic() < steady_until:
    i += 1
    total = sum(float(block[0]) for block in cache)
    scratch = np.ones(500_000)  # small temporaries, freed each time
    del scratch
    time.sleep(args.sleep)
