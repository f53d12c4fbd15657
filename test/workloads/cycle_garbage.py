"""Cause 1: cyclic garbage holding big buffers.

Each iteration builds a 40 MB DataFrame held by an object that refers to itself. Only the
cyclic GC frees it, and collections are triggered by object counts, not bytes: young
collections free some holders, the rest are promoted and wait for a rare generation-2
collection. RSS draws a sawtooth whose troughs climb.
"""
import time

import numpy as np
import pandas as pd

from _common import parse, release

args = parse(__doc__, iterations=80, sleep=0.1, records=175)
arr = np.random.rand(1_000_000, 5)  # 40 MB
# A session's long-lived objects (loaded modules, lookup tables). Full collections wait until
# the objects promoted since the last one reach a quarter of these, so the more a session
# holds, the longer the troughs climb before a full collection resets them.
lookup = {i: str(i) for i in range(200_000)}
log = []


class Holder:
    def __init__(self, frame):
        self.frame = frame
        self.me = self  # the cycle: refcounting alone can never free this


for i in range(args.iterations):
    holder = Holder(pd.DataFrame(arr.copy()))
    holder.frame.xs(1000)
    # Real loops also keep small records. They are what moves the GC's object count: a young
    # collection runs every few iterations and frees the holders made since the last one,
    # except the current one, which is promoted and stays until the next older collection.
    log.extend({"iteration": i, "part": j} for j in range(args.records))
    release(args.fix)
    time.sleep(args.sleep)
