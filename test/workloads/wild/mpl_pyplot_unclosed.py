"""Live data growth: pyplot figures saved in a loop and never closed.

Follows matplotlib/matplotlib#1919 (https://github.com/matplotlib/matplotlib/pull/1919): "Users
often ask me why they are running out of memory when plotting in loops, and this is because
they are not calling plt.close when using pyplot" (the reason for the "More than 20 figures"
warning). pyplot keeps every figure it made until it is closed, with its image and its Agg
canvas, so a report loop that only calls savefig keeps all of them. Without --close the RSS
climbs a few MB per figure for as long as the loop runs.
"""
import io
import time
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from _wild import parse  # noqa: E402

args = parse(__doc__, iterations=70, sleep=0.4, extra=lambda p: p.add_argument("--close", action="store_true"))
warnings.simplefilter("ignore", RuntimeWarning)  # the "More than 20 figures" warning, once per figure
rng = np.random.default_rng(3)
for i in range(args.iterations):
    fig, ax = plt.subplots(figsize=(8, 6), dpi=100)
    ax.imshow(rng.random((400, 600)))
    ax.set_title(f"report {i}")
    fig.savefig(io.BytesIO(), format="png")
    if args.close:
        plt.close(fig)
    time.sleep(args.sleep)
