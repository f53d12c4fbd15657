"""Cause 2 with the fix half-applied: glibc allocator retention, malloc_trim(0) after every
iteration, while a little live data accumulates.

Each iteration builds 150-250 MB of small byte strings, works on them for a while (a wide
tooth), keeps 1 in 250 of them for good (a log of samples that is never pruned), frees the
rest and trims. The trim hands the free pages back, so every tooth comes down, but the kept
strings are scattered over the heap and pin their pages: the troughs climb a little with
every tooth (about 2-3 MB), tooth after tooth. That is growth, whatever the teeth do.
"""
import random
import time

from _common import parse, release

args = parse(__doc__, iterations=22, sleep=0.8)
rng = random.Random(5)
kept = []
for i in range(args.iterations):
    count = rng.randint(90_000, 150_000)  # 150-250 MB of 600-2,800-byte strings
    batch = [bytes(rng.randint(600, 2800)) for _ in range(count)]
    time.sleep(args.sleep)  # the work on the batch: the tooth stays up
    kept.extend(batch[::250])  # never pruned: live data accumulates
    del batch
    release("trim")
    time.sleep(0.3)
