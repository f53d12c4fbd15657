"""Healthy: a JSON -> DataFrame loop under a fixed memory budget.

Each iteration keeps a working set of recent results whose size wanders at random (a bounded
random walk between 10 and 180 MB: results come and go, with no trend; this seed climbs for
the first ten iterations, then wanders), then parses a JSON batch sized to fill what the
budget leaves of the process's own RSS (as memory-aware chunked readers do: rows = (budget -
RSS) / bytes per row), builds a DataFrame from it and drops the temporaries. The peaks sit at
the budget's ceiling every time and the troughs wander under it: a sawtooth, but not a ratchet.
"""
import json
import random
import time

import numpy as np
import pandas as pd

from _common import parse

MB = 1024 * 1024
BUDGET = 290 * MB  # the process's RSS at the top of each batch: the ceiling
ROW_BYTES = 2200  # JSON text, parsed dicts and the frame, per row at the peak (measured here)
ROW = json.dumps({"id": 1, "value": 0.5, "text": "x" * 1000})



def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


args = parse(__doc__, iterations=32, sleep=0.2)
rng = random.Random(5)
held = []  # the working set, 8 MB results
target = 10 * MB
for i in range(args.iterations):
    target = min(180 * MB, max(10 * MB, target + rng.uniform(-45, 45) * MB))
    while held and 8 * MB * len(held) > target:
        held.pop(rng.randrange(len(held)))
    while 8 * MB * (len(held) + 1) <= target:
        held.append(np.ones(MB))
    rows = max(1000, (BUDGET - rss()) // ROW_BYTES)
    text = "[" + ",".join([ROW] * rows) + "]"
    frame = pd.DataFrame(json.loads(text))
    frame["value"].sum()
    del text, frame
    time.sleep(args.sleep)
