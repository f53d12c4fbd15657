"""Live data that keeps growing: results appended to a list that is never cleared.

Not one of the three causes a release can fix, but the RSS climbs continuously.
"""
import time

import numpy as np

from _common import parse

args = parse(__doc__, iterations=200, sleep=0.05)
results = []
for i in range(args.iterations):
    results.append(np.ones(500_000))  # 4 MB a step, kept
    time.sleep(args.sleep)
