"""Healthy: irregular big temporaries. Each iteration allocates a buffer of random size
(50-400 MB), holds it for a random time, and frees it; nothing is kept."""
import random
import time

import numpy as np

from _common import parse

args = parse(__doc__, iterations=30, sleep=0.1)
rng = random.Random(11)
for i in range(args.iterations):
    size = rng.randint(50, 400) * 1024 * 1024 // 8
    buffer = np.ones(size)
    time.sleep(rng.uniform(0.02, 0.4))
    del buffer
    time.sleep(rng.uniform(0.0, args.sleep))
