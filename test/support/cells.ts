// Cells the kernel-bridge and Jupyter Server tests run in real kernels, one copy each.

// Frames in reference cycles that lived long enough to reach the oldest generation (here through
// a collection while they were still in use, as happens over a long session) and then became
// garbage: only a full collection frees them, and the GC starts one by object counts, not bytes.
export const CYCLE_GARBAGE_CELL = `
import gc
import numpy as np, pandas as pd
arr = np.random.rand(1_000_000, 5)
class Holder:
    def __init__(self, frame):
        self.frame = frame
        self.me = self
holders = [Holder(pd.DataFrame(arr.copy())) for i in range(12)]
gc.collect()
del holders
`;

// Allocator retention: many small bytes objects freed but for one in 400, which pins glibc's arenas.
export const RETENTION_CELL = `
import random
rng = random.Random(7)
kept = []
for i in range(12):
    batch = [bytes(rng.randint(600 + 120 * i, 2800 + 120 * i)) for _ in range(150_000)]
    kept.extend(batch[::400])
    kept = kept[-2000:]
    del batch
`;

// test/workloads/cycle_garbage.py as a cell: 40 MB frames in self-referencing holders, small
// records moving the GC's object counts, so the troughs climb between full collections.
export const RATCHETING_CYCLE_CELL = `
import time
import numpy as np, pandas as pd
arr = np.random.rand(1_000_000, 5)
lookup = {i: str(i) for i in range(200_000)}
log = []
class Holder:
    def __init__(self, frame):
        self.frame = frame
        self.me = self
for i in range(60):
    holder = Holder(pd.DataFrame(arr.copy()))
    holder.frame.xs(1000)
    log.extend({"iteration": i, "part": j} for j in range(175))
    time.sleep(0.2)
`;
