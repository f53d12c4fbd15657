"""Cause 2: glibc allocator retention.

Each iteration allocates 150k byte strings of 600-2,800 bytes and keeps 1 in 400. The
survivors pin arena pages, so freed chunks stay inside malloc's arenas: RSS rises in steps
and does not come back, although Python holds little.
"""
import random
import time

from _common import parse, release

args = parse(__doc__, iterations=40, sleep=0.05)
rng = random.Random(7)
kept = []
for i in range(args.iterations):
    batch = [bytes(rng.randint(600, 2800)) for _ in range(150_000)]
    kept.extend(batch[::400])
    del batch
    release(args.fix)
    time.sleep(args.sleep)
