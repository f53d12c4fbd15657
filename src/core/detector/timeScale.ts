import { mannKendallS } from '../stats';
import { EvaluationRecord, type LevelEvaluation } from './levelEvaluation';
import { SlidingExtreme } from './slidingExtreme';
import { TeethTrend } from './teethTracker';
import * as thresholds from './thresholds';

// Local copies: a module that runs from source (tests, under tsx) reads an imported binding
// through a getter, a call per read in the hot loops.
const {
  BASE_BUCKET_SEC,
  MIN_RISE_BYTES,
  MIN_RISE_FRACTION,
  RATE_BINS,
  RESET_SHARE,
  WINDOW,
  WINDOW_MASK,
} = thresholds;

/**
 * One time scale of the detector: a window of WINDOW closed buckets of `width` seconds, with
 * the floors' extremes and trend counts kept incrementally.
 */
export class TimeScale {
  readonly width: number;
  // the bucket being filled
  openStart = NaN;
  openMin = 0;
  openMax = 0;
  openCount = 0;
  /**
   * Closed buckets. Each value is stored twice, at slot and slot + WINDOW, so the window is
   * always the contiguous run [head, head + count): the hot loops read it in order, with no
   * copy and no index wrapping.
   */
  readonly mins = new Float64Array(2 * WINDOW);
  readonly maxs = new Float64Array(2 * WINDOW);
  readonly mids = new Float64Array(2 * WINDOW);
  /**
   * The cumulative rate histogram at the start of each bucket, by slot: the window's histogram
   * is the detector's running total minus the oldest bucket's, one subtraction per bin when it
   * is needed instead of a histogram per bucket kept up to date. The open bucket's is written
   * straight into the slot it will take (see nextSlot).
   */
  readonly snapshots = new Float64Array(WINDOW * RATE_BINS);
  head = 0;
  count = 0;
  /** Buckets pushed since the start, and the first one of the floor's current climb. */
  pushed = 0;
  segmentStart = 0;
  private segmentMin = Infinity;
  private segmentMax = -Infinity;
  /**
   * Mann–Kendall S over the window's floors and over the current climb's (segmentS, while that
   * starts inside the window). Kept incrementally, O(WINDOW) a bucket, only while the floors
   * span enough to matter; otherwise left stale and recounted, O(WINDOW²), when they do.
   */
  private mkS = 0;
  segmentS = 0;
  private mkValid = false;
  /** Sliding minimum and maximum of the window's floors. */
  private readonly lowest = new SlidingExtreme(-1);
  private readonly highest = new SlidingExtreme(1);
  /** The troughs' trend over the window and over the current climb (see teethTrend). */
  readonly windowTeeth = new TeethTrend();
  readonly segmentTeeth = new TeethTrend();
  /**
   * The highest floor this scale closed during a start-up that ended under the allowance (see
   * STARTUP_SEC): floors that have not passed it by half the least growth that counts
   * (LEVEL_SHARE, as for "level lately") are level with it and cannot raise, so the start-up's
   * own climb is not read as a leak once it is over. Per scale: a fine scale's floors sit on the
   * teeth of a sawtooth whose coarse floors are its troughs.
   */
  startupPeak = -Infinity;
  /** When that start-up ended (trace time), NaN if it ended past the allowance or has not ended. */
  startupEndedAt = NaN;
  alarmed = false;
  raiseStreak = 0;
  clearStreak = 0;
  last: LevelEvaluation | undefined;
  /** The records evaluateScale writes: the whole window's, the current climb's, and their combination. */
  readonly wholeRecord = new EvaluationRecord();
  readonly segmentRecord = new EvaluationRecord();
  readonly combinedRecord = new EvaluationRecord();

  constructor(readonly level: number) {
    this.width = BASE_BUCKET_SEC * 2 ** level;
  }

  /** Offset in the window of the current climb's first bucket (0 when it is older). */
  get segmentOffset(): number {
    return Math.max(0, this.segmentStart - (this.pushed - this.count));
  }

  get minFloor(): number {
    return this.lowest.value;
  }

  get maxFloor(): number {
    return this.highest.value;
  }

  /**
   * Whether the floors span enough that growth could be read from them. Every growth verdict
   * needs the floors' rise to be at least half the least growth that counts (MIN_RISE_*), and
   * the rise of medians cannot exceed the window's range: below that the floors carry no
   * evidence, whatever their trend. `share` 0.25 is the slack for keeping the counts warm.
   */
  spansGrowth(share = 0.5): boolean {
    if (this.count === 0) return false;
    const low = this.minFloor;
    return this.maxFloor - low >= share * Math.max(MIN_RISE_BYTES, MIN_RISE_FRACTION * low);
  }

  /** Mann–Kendall S of the window's floors (`windowS`) and of the current climb's (`segmentS`), recounted if stale. */
  countTrend(): void {
    if (this.mkValid) return;
    const offset = this.segmentOffset;
    this.mkS = mannKendallS(this.mins, this.head, this.head + this.count);
    this.segmentS = offset > 0 ? mannKendallS(this.mins, this.head + offset, this.head + this.count) : this.mkS;
    this.mkValid = true;
  }

  get windowS(): number {
    return this.mkS;
  }

  /** Whether the counts are kept up to date (for tests: they go stale on a flat floor). */
  get countsFresh(): boolean {
    return this.mkValid;
  }

  /** The slot the open bucket will take when it closes (the oldest's, once the window is full). */
  get nextSlot(): number {
    return this.count === WINDOW ? this.head : this.count;
  }

  /** Where the window's rate histogram starts: the oldest bucket, or the next once the open bucket has taken its slot. */
  get snapshotBase(): number {
    return (this.count === WINDOW ? (this.head + 1) & WINDOW_MASK : this.head) * RATE_BINS;
  }

  /** Closes a bucket into the window; returns the slot it took. */
  push(min: number, max: number, mid: number): number {
    const mins = this.mins;
    const count = this.count;
    const head = this.head;
    const full = count === WINDOW;
    if (this.mkValid) this.countPairs(min, full);
    let slot: number;
    if (full) {
      slot = head; // the evicted slot holds the newest bucket
      this.head = (head + 1) & WINDOW_MASK;
    } else {
      slot = count; // until the window is full, head is 0
      this.count = count + 1;
    }
    const number = this.pushed;
    this.lowest.push(number, min, number - this.count + 1);
    this.highest.push(number, min, number - this.count + 1);
    this.trackSegment(min);
    mins[slot] = min;
    mins[slot + WINDOW] = min;
    this.maxs[slot] = max;
    this.maxs[slot + WINDOW] = max;
    this.mids[slot] = mid;
    this.mids[slot + WINDOW] = mid;
    // Keep the counts only while they could matter (with slack, so a range hovering at the
    // threshold does not recount every bucket).
    if (this.mkValid && !this.spansGrowth(0.25)) this.mkValid = false;
    return slot;
  }

  /** Updates S with the new floor's pairs and, when the window is full, drops the oldest's. */
  private countPairs(min: number, full: boolean): void {
    const mins = this.mins;
    const head = this.head;
    const from = full ? head + 1 : head;
    const end = head + this.count;
    // the pairs past the current climb's start also count towards the climb's S
    const split = Math.max(from, head + this.segmentOffset);
    // Until the window is full nothing is evicted: NaN compares false, so its terms are zero.
    const oldest = full ? mins[head] : NaN;
    let older = 0;
    let recent = 0;
    let evicted = 0;
    // branch-free signs: these loops run for every closed bucket of a scale that is climbing
    for (let j = from; j < split; j++) {
      const v = mins[j];
      older += +(min > v) - +(min < v);
      evicted += +(v > oldest) - +(v < oldest);
    }
    for (let j = split; j < end; j++) {
      const v = mins[j];
      recent += +(min > v) - +(min < v);
      evicted += +(v > oldest) - +(v < oldest);
    }
    this.mkS += older + recent - evicted;
    this.segmentS += recent;
  }

  /**
   * A floor that falls back by half of what it climbed (a full collection, a freed cache)
   * starts a new climb: a sawtooth of sawtooths must be judged on its current tooth, not on
   * a window that mixes the last reset in. The fall must also be a real one (MIN_RISE_*), so
   * a floor wandering by a few MB never restarts.
   */
  private trackSegment(min: number): void {
    const fall = this.segmentMax - min;
    if (fall >= Math.max(MIN_RISE_BYTES, MIN_RISE_FRACTION * min, RESET_SHARE * (this.segmentMax - this.segmentMin))) {
      this.segmentStart = this.pushed;
      this.segmentS = 0;
      this.segmentMin = min;
      this.segmentMax = min;
    } else {
      if (min < this.segmentMin) this.segmentMin = min;
      if (min > this.segmentMax) this.segmentMax = min;
    }
    this.pushed++;
  }
}
