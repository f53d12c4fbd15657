// Memory-bounded history of each watched process: every sample for a recent window, then
// min/max per bucket, so troughs and peaks both survive downsampling.

export interface SeriesOptions {
  /** Full resolution is kept for this long (s). Default 10 min: what the 5-min chart window needs, with margin. */
  readonly recentSec?: number;
  /** Older samples are folded into buckets this wide (s). */
  readonly bucketSec?: number;
  /** Buckets older than this are dropped (s). Default 24 h. */
  readonly historySec?: number;
}

/** A point for charts: time, and the lowest and highest RSS in it (equal at full resolution). */
export interface SeriesPoint {
  readonly t: number;
  readonly min: number;
  readonly max: number;
}

const DEFAULTS = { recentSec: 600, bucketSec: 10, historySec: 24 * 3600 };

/** A ring of fixed-width records in one Float64Array that grows by doubling up to `limit` records. */
class RecordRing {
  private data: Float64Array;
  private head = 0;
  length = 0;

  constructor(
    private readonly width: number,
    private capacity: number,
    private readonly limit: number,
  ) {
    this.data = new Float64Array(width * capacity);
  }

  push(values: readonly number[]): void {
    if (this.length === this.capacity) {
      if (this.capacity < this.limit) this.grow();
      else {
        this.head = (this.head + 1) % this.capacity; // full: overwrite the oldest
        this.length--;
      }
    }
    const base = ((this.head + this.length) % this.capacity) * this.width;
    for (let i = 0; i < this.width; i++) this.data[base + i] = values[i];
    this.length++;
  }

  get(index: number, field: number): number {
    return this.data[((this.head + index) % this.capacity) * this.width + field];
  }

  shift(): void {
    this.head = (this.head + 1) % this.capacity;
    this.length--;
  }

  bytes(): number {
    return this.data.byteLength;
  }

  private grow(): void {
    const capacity = Math.min(this.limit, this.capacity * 2);
    const data = new Float64Array(this.width * capacity);
    for (let i = 0; i < this.length; i++) {
      const from = ((this.head + i) % this.capacity) * this.width;
      data.set(this.data.subarray(from, from + this.width), i * this.width);
    }
    this.data = data;
    this.capacity = capacity;
    this.head = 0;
  }
}

export class ProcessSeries {
  private readonly recentSec: number;
  private readonly bucketSec: number;
  private readonly historySec: number;
  private readonly recent: RecordRing; // [t, rss]
  private readonly buckets: RecordRing; // [t (bucket start), min, max]
  private openBucketStart = NaN;
  private openMin = 0;
  private openMax = 0;
  private lastT = -Infinity;

  constructor(options: SeriesOptions = {}) {
    this.recentSec = options.recentSec ?? DEFAULTS.recentSec;
    this.bucketSec = options.bucketSec ?? DEFAULTS.bucketSec;
    this.historySec = options.historySec ?? DEFAULTS.historySec;
    // Sized for 20 Hz over the recent window, 2 samples in each bucket of the history.
    this.recent = new RecordRing(2, 256, Math.ceil(this.recentSec * 20) + 16);
    this.buckets = new RecordRing(3, 64, Math.ceil(this.historySec / this.bucketSec) + 2);
  }

  get lastTime(): number {
    return this.lastT;
  }

  append(t: number, rss: number): void {
    if (!(t >= this.lastT)) return; // out-of-order samples would corrupt both rings
    this.lastT = t;
    this.recent.push([t, rss]);
    while (this.recent.length > 0 && this.recent.get(0, 0) < t - this.recentSec) {
      this.fold(this.recent.get(0, 0), this.recent.get(0, 1));
      this.recent.shift();
    }
    while (this.buckets.length > 0 && this.buckets.get(0, 0) < t - this.historySec) this.buckets.shift();
  }

  /** Points from `since` (s) on: buckets for the old part, every sample for the recent part. */
  points(since = -Infinity): SeriesPoint[] {
    const points: SeriesPoint[] = [];
    for (let i = 0; i < this.buckets.length; i++) {
      const t = this.buckets.get(i, 0);
      if (t + this.bucketSec >= since) points.push({ t, min: this.buckets.get(i, 1), max: this.buckets.get(i, 2) });
    }
    if (!Number.isNaN(this.openBucketStart) && this.openBucketStart + this.bucketSec >= since) {
      points.push({ t: this.openBucketStart, min: this.openMin, max: this.openMax });
    }
    for (let i = 0; i < this.recent.length; i++) {
      const t = this.recent.get(i, 0);
      if (t >= since) {
        const rss = this.recent.get(i, 1);
        points.push({ t, min: rss, max: rss });
      }
    }
    return points;
  }

  /** The series as the CLI's trace CSV (`t,rss`), buckets written as their min then max. */
  toTraceRows(since = -Infinity): Array<[number, number]> {
    const rows: Array<[number, number]> = [];
    let previousT = -Infinity;
    for (const point of this.points(since)) {
      if (point.min === point.max) {
        rows.push([point.t, point.min]);
        previousT = point.t;
        continue;
      }
      // two rows per bucket keep the trough and the peak; times stay ordered
      const first = Math.max(point.t, previousT);
      const second = Math.max(first, point.t + this.bucketSec / 2);
      rows.push([first, point.min], [second, point.max]);
      previousT = second;
    }
    return rows;
  }

  memoryBytes(): number {
    return this.recent.bytes() + this.buckets.bytes();
  }

  private fold(t: number, rss: number): void {
    const start = Math.floor(t / this.bucketSec) * this.bucketSec;
    if (start !== this.openBucketStart) {
      if (!Number.isNaN(this.openBucketStart)) this.buckets.push([this.openBucketStart, this.openMin, this.openMax]);
      this.openBucketStart = start;
      this.openMin = rss;
      this.openMax = rss;
      return;
    }
    if (rss < this.openMin) this.openMin = rss;
    if (rss > this.openMax) this.openMax = rss;
  }
}

export interface SeriesMarker {
  readonly t: number;
  readonly kind: 'restart' | 'alarm' | 'cell' | 'release' | 'exit';
  readonly label: string;
}

/** All series of a session, by key, with their markers. */
export class SeriesStore {
  private readonly series = new Map<string, ProcessSeries>();
  private readonly markers = new Map<string, SeriesMarker[]>();

  constructor(private readonly options: SeriesOptions = {}) {}

  append(key: string, t: number, rss: number): void {
    let series = this.series.get(key);
    if (!series) {
      series = new ProcessSeries(this.options);
      this.series.set(key, series);
    }
    series.append(t, rss);
  }

  get(key: string): ProcessSeries | undefined {
    return this.series.get(key);
  }

  keys(): string[] {
    return [...this.series.keys()];
  }

  mark(key: string, marker: SeriesMarker): void {
    const list = this.markers.get(key) ?? [];
    list.push(marker);
    if (list.length > 1000) list.shift(); // markers are for eyes: the last thousand are plenty
    this.markers.set(key, list);
  }

  markersOf(key: string): readonly SeriesMarker[] {
    return this.markers.get(key) ?? [];
  }

  delete(key: string): void {
    this.series.delete(key);
    this.markers.delete(key);
  }

  memoryBytes(): number {
    let total = 0;
    for (const series of this.series.values()) total += series.memoryBytes();
    return total;
  }
}
