"""Allocator behaviour with varying sizes: EM fits on training sets whose size changes each time.

Follows scikit-learn/scikit-learn#28162 (https://github.com/scikit-learn/scikit-learn/issues/28162),
"Multiple GMMs with variable training samples lead to memory leak?": GaussianMixture fitted 100
times on random((randint(200000, 500000), 3)) grew, while the same loop at a fixed size did not.
Arrays of 5-12 MB sit below glibc's dynamic mmap threshold once one of them has been freed, so
they come from the heap, and sizes that change every fit leave holes. This is the same EM
(5 full-covariance Gaussians) in plain numpy, since scikit-learn is not installed; --fixed
repeats the "no_leak" variant of the issue.
"""
import time

import numpy as np

from _wild import parse

args = parse(__doc__, iterations=20, sleep=0.1, extra=lambda p: p.add_argument("--fixed", action="store_true"))
rng = np.random.default_rng(40)
K = 5


def fit(x, steps=8):
    n, d = x.shape
    means = x[rng.choice(n, K, replace=False)]
    covs = np.stack([np.eye(d)] * K)
    weights = np.full(K, 1 / K)
    for _ in range(steps):
        log_resp = np.empty((n, K))
        for k in range(K):
            diff = x - means[k]
            inv = np.linalg.inv(covs[k])
            log_resp[:, k] = np.log(weights[k]) - 0.5 * (np.einsum("ij,jk,ik->i", diff, inv, diff) + np.log(np.linalg.det(covs[k])))
        log_resp -= np.logaddexp.reduce(log_resp, axis=1)[:, None]
        resp = np.exp(log_resp)
        nk = resp.sum(axis=0) + 1e-9
        weights = nk / n
        means = (resp.T @ x) / nk[:, None]
        for k in range(K):
            diff = x - means[k]
            covs[k] = (resp[:, k, None] * diff).T @ diff / nk[k] + 1e-6 * np.eye(d)
    return weights, means, covs


models = []
for i in range(args.iterations):
    n = 500_000 if args.fixed else int(rng.integers(200_000, 500_000))
    models.append(fit(rng.random((n, 3))))
    time.sleep(args.sleep)
