// Feeds a GrowthDetector per closed bucket instead of per sample: each bucket's lowest and
// highest sample, in the order they came. Troughs and peaks are what the detector's scales and
// teeth are made of, so the verdicts stay the same (checked on every recorded trace in
// test/unit/detector/bucketedFeed.unit.test.ts), while a 4-Hz watch pushes a quarter as often and
// the detector's evaluations, most of its cost, happen per bucket. Pure.

import { GrowthDetector } from './growthDetector';
import type { DetectorOptions, Verdict } from './types';

/**
 * The bucket width. A 2-s bucket holds 8 samples at 4 Hz; it is as wide as the detector's second
 * scale, so the finest scale (0.5 s) still sees every trough and peak it is built to notice.
 */
export const FEED_BUCKET_SEC = 2;

export class BucketedFeed {
  readonly detector: GrowthDetector;
  private readonly widthSec: number;
  private openStart = NaN;
  private minT = 0;
  private minBytes = 0;
  private maxT = 0;
  private maxBytes = 0;
  private lastT = -Infinity;
  private lastBytes = 0;

  constructor(options: DetectorOptions = {}, widthSec = FEED_BUCKET_SEC) {
    this.detector = new GrowthDetector(options);
    this.widthSec = widthSec;
  }

  /** Takes one sample (seconds, bytes); the detector gets it when its bucket closes. */
  push(t: number, bytes: number): void {
    if (!(t >= this.lastT) || !Number.isFinite(bytes)) return;
    if (!Number.isNaN(this.openStart) && t >= this.openStart + this.widthSec) this.flush();
    this.lastT = t;
    this.lastBytes = bytes;
    if (Number.isNaN(this.openStart)) {
      this.openStart = Math.floor(t / this.widthSec) * this.widthSec;
      this.minT = this.maxT = t;
      this.minBytes = this.maxBytes = bytes;
      return;
    }
    // The earliest minimum and the latest maximum: a plateau then reads as reached, then held.
    if (bytes < this.minBytes) {
      this.minBytes = bytes;
      this.minT = t;
    }
    if (bytes >= this.maxBytes) {
      this.maxBytes = bytes;
      this.maxT = t;
    }
  }

  /** Hands the open bucket to the detector now (at the end of a series, or before a final verdict). */
  flush(): void {
    if (Number.isNaN(this.openStart)) return;
    this.openStart = NaN;
    if (this.minT === this.maxT) {
      this.detector.push(this.minT, this.minBytes);
    } else if (this.minT < this.maxT) {
      this.detector.push(this.minT, this.minBytes);
      this.detector.push(this.maxT, this.maxBytes);
    } else {
      this.detector.push(this.maxT, this.maxBytes);
      this.detector.push(this.minT, this.minBytes);
    }
    // The bucket's last sample is the detector's "now" (its forecast starts from it).
    if (this.lastT > Math.max(this.minT, this.maxT)) this.detector.push(this.lastT, this.lastBytes);
  }

  get alarm(): boolean {
    return this.detector.alarm;
  }

  setLimit(limitBytes: number | null): void {
    this.detector.setLimit(limitBytes);
  }

  verdict(): Verdict {
    return this.detector.verdict();
  }
}
