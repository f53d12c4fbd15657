"""Healthy: many 160 KiB chunks persisted, then released, round after round.

Follows dask/distributed#5971 (https://github.com/dask/distributed/issues/5971): 7,000 chunks of
160 KiB persisted and deleted left 1.16 GiB of "unmanaged" memory in the worker (151 MiB with
MALLOC_TRIM_THRESHOLD_ set). Chunks just above the 128 KiB mmap threshold move to the heap once
glibc raises its threshold, so freed chunks may stay in the process. Each round here holds
2,000 chunks (about 320 MB) with their task records, drops them all and pauses: whatever is
retained, a worker that keeps computing reuses it, and nothing piles up from round to round
(measured here: the rounds come all the way back down to the floor).
"""
import time

import numpy as np

from _wild import parse

args = parse(__doc__, iterations=14, sleep=1.5)
S = 160 * 1024
for round_ in range(args.iterations):
    chunks = {}
    for key in range(2_000):
        chunks[("random", round_, key)] = {"data": np.random.random(S // 8), "state": "memory", "who_has": {"worker-0"}}
    total = sum(float(task["data"][0]) for task in chunks.values())
    del chunks
    time.sleep(args.sleep)
