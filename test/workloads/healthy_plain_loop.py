"""Healthy: the seed loop with no cycle. Each 40 MB frame is freed by refcounting at once
(arrays that large are mmapped and returned on free), so the RSS stays flat."""
import time

import numpy as np
import pandas as pd

from _common import parse

args = parse(__doc__, iterations=60, sleep=0.05)
arr = np.random.rand(1_000_000, 5)
for i in range(args.iterations):
    x = pd.DataFrame(arr.copy())
    x.xs(1000)
    time.sleep(args.sleep)
