"""Full-HD pyplot figures saved and closed in a loop, with the Agg backend: the issue's own loop.

Follows matplotlib/matplotlib#8519 (https://github.com/matplotlib/matplotlib/issues/8519),
"Closed figures linger in memory", and its comment: "for i in range(10000): fig, axs =
plt.subplots(1, 1, figsize=(19.20, 10.80)); axs.plot([1, 2, 3]); plt.savefig('temp.png');
plt.close('all') — You will run out of RAM very soon". This is that loop, saving to memory.
"""
import io
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from _wild import parse  # noqa: E402

args = parse(__doc__, iterations=150, sleep=0.2)
for i in range(args.iterations):
    fig, axs = plt.subplots(1, 1, figsize=(19.20, 10.80))
    axs.plot([1, 2, 3])
    plt.savefig(io.BytesIO(), format="png")
    plt.close("all")
    time.sleep(args.sleep)
