"""Shared helpers for the test workloads: argument parsing and optional fixes.

Every workload takes the same options so the tests can vary speed and apply fixes:
  --iterations N   loop length
  --sleep S        pause per iteration in seconds (varies the sampling density per tooth)
  --fix collect|trim|both|none
"""
import argparse
import ctypes
import gc


def parse(description, iterations, sleep, records=None):
    parser = argparse.ArgumentParser(description=description)
    if records is not None:
        parser.add_argument("--records", type=int, default=records, help="small objects kept per iteration")
    parser.add_argument("--iterations", type=int, default=iterations)
    parser.add_argument("--sleep", type=float, default=sleep)
    parser.add_argument("--fix", choices=["none", "collect", "trim", "both"], default="none")
    return parser.parse_args()


_libc = None


def release(fix):
    """Apply the fix a quick fix would insert (gc first: a trim only returns freed memory)."""
    global _libc
    if fix in ("collect", "both"):
        gc.collect()
    if fix in ("trim", "both"):
        if _libc is None:
            _libc = ctypes.CDLL("libc.so.6")
        _libc.malloc_trim(0)
