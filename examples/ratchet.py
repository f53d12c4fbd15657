"""Memory that ratchets, with nothing but python3 (no numpy, no pandas).

    python3 examples/ratchet.py             # cyclic garbage holding big buffers
    python3 examples/ratchet.py retention   # glibc allocator retention
    python3 examples/ratchet.py cycles --fix   # the same loop with the fix the extension offers

cycles: each iteration makes a 40 MB bytearray held by an object that refers to itself. Only
the cyclic GC can free it, and the GC counts objects, not bytes, so the buffers pile up until a
rare full collection: the RSS draws a sawtooth whose troughs climb.

retention: each iteration makes 150,000 small byte strings and keeps 1 in 400. Python frees the
rest, but glibc's malloc keeps the freed chunks in its arenas, pinned by the survivors: the RSS
climbs in steps that never come down, although Python holds only a few MB.
"""
import argparse
import ctypes
import gc
import random
import time


def release():
    """What the quick fix inserts: collect, then hand freed pages back (glibc only)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to trim


class Holder:
    def __init__(self, buffer):
        self.buffer = buffer
        self.me = self  # the cycle: reference counting alone never frees this


def cycles(iterations, fix):
    # A session's long-lived objects: full collections wait until the objects promoted since
    # the last one reach a quarter of these, so the troughs climb for a long time.
    lookup = {i: str(i) for i in range(200_000)}
    log = []
    for i in range(iterations):
        holder = Holder(bytearray(40 * 1024 * 1024))
        holder.buffer[::4096] = b"x" * len(holder.buffer[::4096])  # touch every page
        # Small records are what move the GC's object count, as in a real loop.
        log.extend({"iteration": i, "part": j} for j in range(175))
        if fix:
            release()
        time.sleep(0.1)
    return len(lookup) + len(log)


def retention(iterations, fix):
    rng = random.Random(7)
    kept = []
    for i in range(iterations):
        low, high = 600 + 120 * i, 2800 + 120 * i  # records grow, as a job's do
        batch = [bytes(rng.randint(low, high)) for _ in range(150_000)]
        kept.extend(batch[::400])
        kept = kept[-2000:]  # a rolling window: live data stays a few MB
        del batch
        if fix:
            release()
        time.sleep(0.25)
    return len(kept)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cause", nargs="?", choices=("cycles", "retention"), default="cycles")
    parser.add_argument("--iterations", type=int, default=None)
    parser.add_argument("--fix", action="store_true", help="release memory in the loop, as the quick fix does")
    args = parser.parse_args()
    if args.cause == "cycles":
        cycles(args.iterations or 80, args.fix)
    else:
        retention(args.iterations or 20, args.fix)


if __name__ == "__main__":
    main()
