// Small robust statistics used by the detector. Inputs are short (≤ 64 points), so simple
// algorithms with no allocation on the hot path win over asymptotically better ones.

/** Median of `values[from..to)`, using `scratch` (length ≥ to - from) so nothing is allocated. */
export function medianOf(values: ArrayLike<number>, from: number, to: number, scratch: Float64Array): number {
  const n = to - from;
  if (n <= 0) return NaN;
  for (let i = 0; i < n; i++) {
    // insertion sort: n ≤ 22 here, faster than a comparator sort and allocation-free
    const v = values[from + i];
    let j = i - 1;
    while (j >= 0 && scratch[j] > v) {
      scratch[j + 1] = scratch[j];
      j--;
    }
    scratch[j + 1] = v;
  }
  const mid = n >> 1;
  return n % 2 === 1 ? scratch[mid] : (scratch[mid - 1] + scratch[mid]) / 2;
}

/** Theil–Sen slope: the median of all pairwise slopes (breakdown point 29 %). */
export function theilSenSlope(ts: ArrayLike<number>, ys: ArrayLike<number>, n: number): number {
  if (n < 2) return 0;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dt = ts[j] - ts[i];
      if (dt > 0) slopes.push((ys[j] - ys[i]) / dt);
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  return slopes.length % 2 === 1 ? slopes[mid] : (slopes[mid - 1] + slopes[mid]) / 2;
}

/** Variance of the Mann–Kendall S statistic under the no-trend hypothesis (ties ignored). */
export function mannKendallVariance(n: number): number {
  return (n * (n - 1) * (2 * n + 5)) / 18;
}

/** The continuity-corrected Z of a Mann–Kendall S. */
export function mannKendallZ(s: number, n: number): number {
  if (n < 3) return 0;
  const sd = Math.sqrt(mannKendallVariance(n));
  if (s > 0) return (s - 1) / sd;
  if (s < 0) return (s + 1) / sd;
  return 0;
}

export function medianOfSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
