// Small robust statistics used by the detector. Inputs are short (≤ 64 points), so simple
// algorithms with no allocation on the hot path win over asymptotically better ones.

/**
 * Median of `values[from..to)`, copied into `scratch` (length ≥ to - from) and found by
 * quickselect: O(n) with no allocation. The detector calls this on every closed bucket.
 */
export function medianOf(values: ArrayLike<number>, from: number, to: number, scratch: Float64Array): number {
  const n = to - from;
  if (n <= 0) return NaN;
  for (let i = 0; i < n; i++) scratch[i] = values[from + i];
  const mid = n >> 1;
  const upper = select(scratch, n, mid);
  if (n % 2 === 1) return upper;
  // the lower middle is the largest of the elements left of `mid` after selection
  let lower = scratch[0];
  for (let i = 1; i < mid; i++) if (scratch[i] > lower) lower = scratch[i];
  return (lower + upper) / 2;
}

/** Hoare's quickselect: puts the k-th smallest of a[0..n) at a[k], smaller ones before it. */
function select(a: Float64Array, n: number, k: number): number {
  let left = 0;
  let right = n - 1;
  while (right > left) {
    // median of three as the pivot keeps sorted (rising!) windows linear
    const middle = (left + right) >> 1;
    const x = a[left];
    const y = a[middle];
    const z = a[right];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const swap = a[i];
        a[i] = a[j];
        a[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k];
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

/** Mann–Kendall S of values[from..to): the sum of the signs of all later-minus-earlier pairs. */
export function mannKendallS(values: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) {
    const v = values[i];
    for (let j = i + 1; j < to; j++) s += +(values[j] > v) - +(values[j] < v);
  }
  return s;
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
