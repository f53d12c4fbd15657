// One process's points in the panel: times and bytes in growable typed arrays, and the
// min/max thinning that keeps a redraw proportional to the chart's width, not to the history.
// Pure (no DOM), so it is unit-tested in plain Node.

export interface XY {
  x: number;
  y: number;
}

const INITIAL_CAPACITY = 1024;

export class SeriesBuffer {
  private xs = new Float64Array(INITIAL_CAPACITY);
  private ys = new Float64Array(INITIAL_CAPACITY);
  length = 0;

  /** Appends a point; times must not go backwards (the host sends them in order). */
  push(x: number, y: number): void {
    if (this.length > 0 && x < this.xs[this.length - 1]) return;
    if (this.length === this.xs.length) {
      const xs = new Float64Array(this.xs.length * 2);
      const ys = new Float64Array(this.ys.length * 2);
      xs.set(this.xs);
      ys.set(this.ys);
      this.xs = xs;
      this.ys = ys;
    }
    this.xs[this.length] = x;
    this.ys[this.length] = y;
    this.length++;
  }

  x(index: number): number {
    return this.xs[index];
  }

  y(index: number): number {
    return this.ys[index];
  }

  /** The first index whose time is at or after `x` (binary search). */
  indexFrom(x: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.xs[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The value at the last point at or before `x` (the first point's value before it, 0 when empty). */
  valueAt(x: number): number {
    if (this.length === 0) return 0;
    const after = this.indexFrom(x);
    if (after < this.length && this.xs[after] === x) return this.ys[after];
    return this.ys[Math.max(0, after - 1)];
  }

  /** The lowest value among indices [from, to). */
  minOf(from: number, to: number): number {
    let min = Infinity;
    for (let i = from; i < to; i++) if (this.ys[i] < min) min = this.ys[i];
    return min;
  }

  /**
   * Points [from, to) for drawing, at most about 2 per bucket: the range is cut into `buckets`
   * equal time slices and each keeps its lowest and highest point in time order, so every
   * trough and peak a pixel column could show survives (chart.js's min-max decimation does the
   * same on its parsed copy of every point, at every update).
   */
  thinned(from: number, to: number, buckets: number): XY[] {
    const count = to - from;
    const points: XY[] = [];
    if (count <= 0) return points;
    if (count <= 2 * buckets) {
      for (let i = from; i < to; i++) points.push({ x: this.xs[i], y: this.ys[i] });
      return points;
    }
    const xs = this.xs;
    const ys = this.ys;
    const start = xs[from];
    const width = (xs[to - 1] - start) / buckets || 1;
    let i = from;
    while (i < to) {
      const bucket = Math.min(buckets - 1, Math.floor((xs[i] - start) / width));
      const end = start + (bucket + 1) * width;
      let minAt = i;
      let maxAt = i;
      for (i++; i < to && (xs[i] < end || bucket === buckets - 1); i++) {
        if (ys[i] < ys[minAt]) minAt = i;
        if (ys[i] > ys[maxAt]) maxAt = i;
      }
      const firstAt = Math.min(minAt, maxAt);
      const lastAt = Math.max(minAt, maxAt);
      points.push({ x: xs[firstAt], y: ys[firstAt] });
      if (lastAt !== firstAt) points.push({ x: xs[lastAt], y: ys[lastAt] });
    }
    // the newest point stays the line's end, so the chart shows the latest value
    if (points[points.length - 1].x !== xs[to - 1]) points.push({ x: xs[to - 1], y: ys[to - 1] });
    return points;
  }
}
