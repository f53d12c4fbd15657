"""Live data growth (or a bounded cache): functools.lru_cache on a method keeps `self`.

Follows pytest-dev/pytest#9148 (https://github.com/pytest-dev/pytest/pull/9148): "The problem
with @lru_cache on methods is that it also captures self and leaks it until the entry is
evicted (if ever)." Each Sweep holds 4 MB of samples and its cached 2 MB spectrum. With the
default --maxsize 0 (maxsize=None: unbounded) every sweep ever made stays alive; with a small
maxsize the cache evicts the oldest and memory plateaus once it is full.
"""
import functools
import time

import numpy as np

from _wild import parse

args = parse(__doc__, iterations=60, sleep=0.6, extra=lambda p: p.add_argument("--maxsize", type=int, default=0))
cache = functools.lru_cache(maxsize=args.maxsize or None)


class Sweep:
    def __init__(self, seed):
        self.samples = np.random.default_rng(seed).random(500_000)

    @cache
    def spectrum(self):
        return np.abs(np.fft.rfft(self.samples))


peaks = []
for i in range(args.iterations):
    sweep = Sweep(i)
    peaks.append(float(sweep.spectrum()[1:].max()))
    del sweep
    time.sleep(args.sleep)
