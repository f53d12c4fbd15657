"""glibc allocator retention: per-step DataFrames of text records, with a small history kept.

Follows PrimeIntellect-ai/prime-rl#2527 (https://github.com/PrimeIntellect-ai/prime-rl/pull/2527):
an orchestrator whose RssAnon grew ~6 MB per step "unbounded" although every step's
numpy/pandas frames were short-lived: glibc kept the freed pages, gc.collect() did nothing, and
gc.collect() + malloc_trim(0) at the end of each step turned it into "a flat sawtooth (peak
during rollouts, drops after trim), no trend" (--trim). Each step here builds rollout records
whose texts grow longer as the run goes on (as completions do), frames them, summarises them,
and keeps a few samples of every step in a bounded log of recent samples.
"""
import random
import time
from collections import deque

import pandas as pd

from _wild import collect_and_trim, parse

args = parse(__doc__, iterations=40, sleep=0.8, extra=lambda p: p.add_argument("--trim", action="store_true"))
rng = random.Random(17)
history = deque(maxlen=4_000)  # the last samples, as a logger keeps them: live data stays bounded
for step in range(args.iterations):
    low, high = 400 + 60 * step, 2400 + 60 * step
    rollouts = [
        {"problem": i % 512, "completion": "x" * rng.randint(low, high), "reward": rng.random()}
        for i in range(60_000)
    ]
    frame = pd.DataFrame(rollouts)
    frame["length"] = frame["completion"].str.len()
    stats = frame.groupby("problem")["reward"].agg(["mean", "std"])
    history.extend(frame["completion"].iloc[::500].tolist())  # samples logged per step
    history.append(stats["mean"].mean())
    del rollouts, frame, stats
    if args.trim:
        collect_and_trim()
    time.sleep(args.sleep)
