import * as thresholds from './thresholds';

// Local copies: a module that runs from source (tests, under tsx) reads an imported binding
// through a getter, a call per read in the hot loops.
const {
  MAX_INTERVAL_WEIGHT_SEC,
  PLATEAU_RATE_SHARE,
  RATE_BIN_BASE_LOG2,
  RATE_BINS,
  STAIRCASE_MIN_PLATEAU_SHARE,
} = thresholds;

/**
 * Seconds between samples so far, binned by the rate of change on a log2 scale (bin 0 below
 * 64 KiB/s, then doubling). The totals are cumulative: a window's histogram is the running total
 * minus a snapshot taken at the window's start (see TimeScale.snapshots), which is how a
 * staircase's plateaus are told from a steady climb.
 */
export class RateHistogram {
  readonly totals = new Float64Array(RATE_BINS);
  private previousTime = 0;
  private previousBytes = 0;
  private started = false;

  /** Adds the interval from the previous sample to this one. */
  add(t: number, bytes: number): void {
    if (this.started) {
      const interval = Math.min(t - this.previousTime, MAX_INTERVAL_WEIGHT_SEC);
      if (interval > 0) {
        const rate = Math.abs(bytes - this.previousBytes) / interval;
        // floor(log2(rate)) from the leading zeros of its integer part (rates of 4 GiB/s and
        // more share the top bin anyway)
        const bin = rate < 2 ** RATE_BIN_BASE_LOG2 ? 0 : rate >= 2 ** 32 ? RATE_BINS - 1 : Math.min(RATE_BINS - 1, 31 - Math.clz32(rate) - RATE_BIN_BASE_LOG2 + 1);
        this.totals[bin] += interval;
      }
    }
    this.started = true;
    this.previousBytes = bytes;
    this.previousTime = t;
  }

  /**
   * Whether the time since the snapshot at `snapshots[base …]` was spent enough on plateaus
   * relative to a growth rate of `slope` (bytes/s): a plateau is an interval whose rate is under
   * PLATEAU_RATE_SHARE of it.
   */
  isStaircase(snapshots: Float64Array, base: number, slope: number): boolean {
    const threshold = PLATEAU_RATE_SHARE * slope;
    if (!(threshold > 0)) return false;
    // bins entirely below the threshold count as plateau time
    const plateauBins = threshold < 2 ** RATE_BIN_BASE_LOG2 ? 0 : Math.min(RATE_BINS, Math.floor(Math.log2(threshold)) - RATE_BIN_BASE_LOG2 + 1);
    let plateau = 0;
    let total = 0;
    for (let bin = 0; bin < RATE_BINS; bin++) {
      const seconds = this.totals[bin] - snapshots[base + bin];
      total += seconds;
      if (bin < plateauBins) plateau += seconds;
    }
    return total > 0 && plateau / total >= STAIRCASE_MIN_PLATEAU_SHARE;
  }
}
