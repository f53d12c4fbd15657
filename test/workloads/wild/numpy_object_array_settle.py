"""Healthy: an object array of many small arrays, built, deleted and built again.

Follows numpy/numpy#15498 (https://github.com/numpy/numpy/issues/15498), "Object array of arrays
not freeing memory properly": after `del x` the memory of 100,000 arrays of 25-125 x 50 floats
stayed with the process on Ubuntu. The maintainer's answer: "If you run the same code again,
you should notice that the memory does not keep increasing." Each round here builds 8,000 such
arrays (about 240 MB), works on them, deletes them and pauses: tall teeth over a level floor
(measured here: glibc 2.36 gives the freed heap back between rounds).
"""
import time

import numpy as np

from _wild import parse

args = parse(__doc__, iterations=20, sleep=1.5)
rng = np.random.default_rng(15)
for round_ in range(args.iterations):
    x = np.zeros(8_000, dtype="O")
    for i in range(len(x)):
        x[i] = rng.random((int(rng.integers(25, 125)), 50))
    total = sum(float(a.sum()) for a in x)
    del x
    time.sleep(args.sleep)
