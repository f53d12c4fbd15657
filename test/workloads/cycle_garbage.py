"""Cause 1: cyclic garbage holding big buffers.

Each iteration builds a 40 MB DataFrame held by an object that refers to itself. Only the
cyclic GC frees it, and generation-2 collections are triggered by object counts, not bytes,
so the frames pile up: RSS draws a sawtooth whose troughs climb.
"""
import time

import numpy as np
import pandas as pd

from _common import parse, release

args = parse(__doc__, iterations=60, sleep=0.05)
arr = np.random.rand(1_000_000, 5)  # 40 MB


class Holder:
    def __init__(self, frame):
        self.frame = frame
        self.me = self  # the cycle: refcounting alone can never free this


for i in range(args.iterations):
    holder = Holder(pd.DataFrame(arr.copy()))
    holder.frame.xs(1000)
    # Small cyclic objects make the GC's object counts move, as real code does.
    junk = [[j] for j in range(2000)]
    for item in junk:
        item.append(item)
    del junk
    release(args.fix)
    time.sleep(args.sleep)
