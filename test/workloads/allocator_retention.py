"""Cause 2: glibc allocator retention.

Each iteration allocates 150k byte strings and keeps 1 in 400 in a rolling window of recent
records, so live data stays small (a few MB). The survivors pin arena pages, so the freed chunks stay inside malloc's arenas. The sizes drift upwards from one
iteration to the next (600-2,800 bytes at first), as they do when a job's records grow, so
the freed chunks rarely fit the next requests: RSS rises in steps and does not come back,
although Python holds little.
"""
import random
import time

from _common import parse, release

args = parse(__doc__, iterations=20, sleep=0.25)
rng = random.Random(7)
kept = []
for i in range(args.iterations):
    low, high = 600 + 120 * i, 2800 + 120 * i
    batch = [bytes(rng.randint(low, high)) for _ in range(150_000)]
    kept.extend(batch[::400])
    kept = kept[-2000:]  # a rolling window of recent records: live data stays bounded
    del batch
    release(args.fix)
    time.sleep(args.sleep)
