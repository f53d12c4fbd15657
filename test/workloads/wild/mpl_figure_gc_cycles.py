"""Healthy: matplotlib figures made without pyplot and dropped: freed by the cyclic GC.

Follows matplotlib/matplotlib#8519 (https://github.com/matplotlib/matplotlib/issues/8519),
WeatherGod: "the typical scenario when someone reports a 'memory leak' in matplotlib is when
they just let the figure object go out of scope". A Figure and its canvas and axes refer to
each other, so a dropped figure is cyclic garbage; matplotlib makes thousands of objects per
figure, so the collector runs often and the garbage never piles up: teeth over a level floor.
"""
import io
import time

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from _wild import parse

args = parse(__doc__, iterations=45, sleep=0.2)
rng = np.random.default_rng(6)
for i in range(args.iterations):
    fig = Figure(figsize=(12, 6), dpi=100)
    FigureCanvasAgg(fig)
    for k, ax in enumerate(fig.subplots(2, 3).flat):
        ax.imshow(rng.random((300, 400)))
    fig.savefig(io.BytesIO(), format="png")
    del fig, ax
    time.sleep(args.sleep)
