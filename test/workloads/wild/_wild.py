"""Shared options of the wild workloads: how long they run, and the twin a flag selects.

Every workload takes --iterations and --sleep so a longer run can settle whether a short one
was ambiguous (scripts/record-traces.mjs --corpus wild records them with the catalog's args).
"""
import argparse
import ctypes
import gc


def parse(description, iterations, sleep, extra=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--iterations", type=int, default=iterations)
    parser.add_argument("--sleep", type=float, default=sleep)
    if extra is not None:
        extra(parser)
    return parser.parse_args()


_libc = None


def collect_and_trim():
    """What the bug reports' fixes do: gc first (a trim only returns freed memory), then trim."""
    global _libc
    gc.collect()
    if _libc is None:
        _libc = ctypes.CDLL("libc.so.6")
    _libc.malloc_trim(0)
