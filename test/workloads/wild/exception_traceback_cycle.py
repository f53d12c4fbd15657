"""Cyclic garbage: a caught exception kept in a local keeps its frame, and the frame's big data.

Follows python/cpython#75188 (https://github.com/python/cpython/issues/75188), "caught and
stored exception creates a reference cycle outside its traceback": binding the exception to a
second name inside the function makes frame -> name -> exception -> traceback -> frame, so the
frame and every local it holds (here a 20 MB DataFrame) outlive the call until the cyclic GC
runs. A batch loop with a validation step that fails now and then does exactly that.
"""
import time

import numpy as np
import pandas as pd

from _wild import parse

args = parse(__doc__, iterations=150, sleep=0.15)


def validate(frame):
    if frame["a"].iloc[0] < 0.9:
        raise ValueError(f"batch starts with {frame['a'].iloc[0]:.3f}")


def load_batch(seed):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.random((500_000, 5)), columns=list("abcde"))
    failure = None
    try:
        validate(frame)
    except ValueError as exc:
        failure = exc  # outlives the except block: the cycle that keeps `frame`
    summary = frame.describe()
    return summary, failure is not None


report = []
for i in range(args.iterations):
    summary, failed = load_batch(i)
    report.append({"batch": i, "failed": failed, "mean": float(summary.loc["mean", "a"])})
    time.sleep(args.sleep)
