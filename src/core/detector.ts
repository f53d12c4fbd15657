import { mannKendallS, mannKendallZ, medianOf, theilSenSlope } from './stats';

export type Pattern = 'flat' | 'sawtooth-ratchet' | 'staircase' | 'steady-growth';

export interface Forecast {
  /** The ceiling used, or null when none is known (a recorded trace without `--limit`). */
  readonly limitBytes: number | null;
  /** Seconds from the last sample until the peaks reach the limit at the trough slope; null when not growing. */
  readonly secondsToLimit: number | null;
  /** The same as a trace time (seconds). */
  readonly reachesLimitAt: number | null;
}

export interface Verdict {
  readonly pattern: Pattern;
  readonly alarm: boolean;
  /** Trace time (s) of the first sample at which the alarm was raised, or null. */
  readonly firstAlarmAt: number | null;
  /** Theil–Sen slope of the troughs over the time scale that decided (bytes/s). */
  readonly troughSlopeBytesPerSec: number;
  /** Rise-and-drop cycles in that window. */
  readonly teeth: number;
  /** Floor now minus the floor at the start of the growth (bytes); 0 when flat. */
  readonly growthBytes: number;
  readonly baselineBytes: number | null;
  readonly peakBytes: number;
  readonly lastBytes: number;
  readonly samples: number;
  readonly startTime: number | null;
  readonly lastTime: number | null;
  /** The pattern while the alarm was last raised (it stays after the alarm clears); null if it never was. */
  readonly lastAlarmPattern: Pattern | null;
  /** The window (s) of the time scale the verdict comes from; null when flat. */
  readonly timescaleSec: number | null;
  readonly forecast: Forecast;
}

export interface DetectorOptions {
  /** Ceiling for the forecast (bytes); may be changed later with `setLimit`. */
  readonly limitBytes?: number | null;
}

// ---- Thresholds, and why each has its value -------------------------------------------------

const MIB = 1024 * 1024;
/**
 * Finest bucket (s). Samples arrive at 1–20 Hz; half a second keeps the floor of each bucket
 * meaningful at 20 Hz (10 samples) without leaving most buckets empty at 1 Hz, and is well
 * below the one-second teeth of a fast DataFrame loop.
 */
const BASE_BUCKET_SEC = 0.5;
/** Buckets per time scale. Each scale doubles the bucket, so 64 buckets span 32 s, 64 s, … 24 days. */
const WINDOW = 64;
const WINDOW_MASK = WINDOW - 1; // WINDOW is a power of two
const MAX_LEVELS = 22;
/** Fewer points than this cannot make a Mann–Kendall test reach significance on noisy data. */
const MIN_POINTS = 8;
/**
 * Mann–Kendall Z to raise (one-sided p < 0.005) and to hold (p < 0.1). A scale is evaluated
 * every bucket, so a loose raise threshold would fire on noise sooner or later; the lower hold
 * threshold is the hysteresis that keeps an alarm steady through one noisy window.
 */
const Z_RAISE = 2.58;
const Z_HOLD = 1.28;
/**
 * Growth must be at least this much, and a tenth of the floor it started from: CPython's
 * own caches, imports and arenas move RSS by a few MB, and a healthy process's floor wanders
 * by several percent as the allocator's arenas come and go, while a ratchet worth fixing adds
 * at least a DataFrame per tooth.
 */
const MIN_RISE_BYTES = 16 * MIB;
/** Growth must be this many robust sigmas of the floors' scatter around their trend line. */
const RISE_TO_SCATTER = 3;
const MIN_RISE_FRACTION = 0.1;
/**
 * A one-off fill (loading a dataset, warming a cache) rises in one go; a ratchet keeps rising.
 * The floor's rise from 25 % to 75 % of its extent must take at least this long (and three
 * buckets of the scale) before an alarm: a few seconds at the finest scale, proportionally
 * longer at coarser ones.
 */
const MIN_RISE_TIME_SEC = 2;
const MIN_RISE_TIME_BUCKETS = 3;
/** The floor must have made a new high within this share of the window to count as still growing. */
const ONGOING_SHARE_RAISE = 0.25;
const ONGOING_SHARE_HOLD = 0.5;
/**
 * Consecutive evaluations needed to raise and to clear: a single odd window never flips the
 * alarm. Clearing also needs the evidence to stay away for CLEAR_AFTER_SEC: a sawtooth resets at
 * every older-generation collection, and the alarm must not blink off and on at each reset.
 */
const RAISE_CONFIRMATIONS = 2;
const CLEAR_CONFIRMATIONS = 3;
const CLEAR_AFTER_SEC = 5;
/**
 * Zigzag reversal: a tooth is a drop of at least 4 MiB and 3 % of the peak. Python's RSS
 * jitter is well under 1 %; one 40 MB frame in a 1 GB kernel is 4 %.
 */
const REVERSAL_MIN_BYTES = 4 * MIB;
const REVERSAL_FRACTION = 0.03;
/**
 * A sawtooth returns a large share of what each tooth climbed (a collection frees the
 * garbage; only what was promoted stays). A staircase returns almost nothing: the freed
 * memory stays in malloc's arenas or in a cache. 30 % sits between the two with room for noise.
 */
const SAWTOOTH_MIN_TEETH = 2;
/** A floor that falls back by half of its climb starts a new one (see TimeScale.trackSegment). */
const RESET_SHARE = 0.5;
const SAWTOOTH_MIN_DROP_SHARE = 0.3;
/**
 * Steps versus a steady climb: a staircase spends a good part of its time on plateaus (between
 * cell runs, between batches), where the RSS moves far slower than its average growth; a climb
 * moves at about its average rate all the time, and noise moves faster than it both ways.
 * A plateau is an interval between samples whose rate is under half the window's growth
 * rate; 30 % of the time on plateaus makes a staircase.
 */
const STAIRCASE_MIN_PLATEAU_SHARE = 0.3;
const PLATEAU_RATE_SHARE = 0.5;
/** Time between samples is binned by |rate| on a log2 scale: bin 0 below 64 KiB/s, then doubling. */
const RATE_BINS = 18;
const RATE_BIN_BASE_LOG2 = 16;
/** A gap in the samples says nothing about what happened in it: at most 2 s of it is counted. */
const MAX_INTERVAL_WEIGHT_SEC = 2;
const TEETH_CAPACITY = 512;
/** Teeth that say "this process comes back down": three in a row with level troughs. */
const RECENT_TEETH = 3;
const TEETH_MASK = TEETH_CAPACITY - 1; // a power of two
/** Six strictly rising troughs are the fewest that reach Z_RAISE; 32 bound the cost. */
const MIN_TROUGHS_TESTED = 6;
const MAX_TROUGHS_TESTED = 32;
const MAX_TEETH_FOR_SLOPE = 32;

interface Analysis {
  readonly pattern: Pattern;
  readonly slope: number;
  readonly teeth: number;
  readonly growthBytes: number;
  readonly baselineBytes: number | null;
  readonly scale: TimeScale | undefined;
}

// ---- Time scales -----------------------------------------------------------------------------

/** The evaluation of a scale without evidence of growth (shared: it is the common case). */
const NO_GROWTH: LevelEvaluation = Object.freeze({ growingHold: false, growingRaise: false, baseline: NaN, rise: 0, slope: 0, windowStart: NaN });

interface LevelEvaluation {
  readonly growingHold: boolean;
  readonly growingRaise: boolean;
  readonly baseline: number;
  readonly rise: number;
  /** Growth rate of the floors (bytes/s) from the resistant line. */
  readonly slope: number;
  readonly windowStart: number;
}

/**
 * An evaluation record a scale owns and rewrites at each of its evaluations: a climbing scale is
 * evaluated every bucket, and a fresh object each time made the garbage collector a fifth of
 * the detector's time on a sawtooth. A record lives until its scale's next evaluation, which
 * also replaces `last`, so nothing reads one after it is rewritten.
 */
class EvaluationRecord implements LevelEvaluation {
  growingHold = false;
  growingRaise = false;
  baseline = NaN;
  rise = 0;
  slope = 0;
  windowStart = NaN;

  set(growingHold: boolean, growingRaise: boolean, baseline: number, rise: number, slope: number, windowStart: number): this {
    this.growingHold = growingHold;
    this.growingRaise = growingRaise;
    this.baseline = baseline;
    this.rise = rise;
    this.slope = slope;
    this.windowStart = windowStart;
    return this;
  }
}

/**
 * The extreme of a sliding window of values in O(1) amortised per value: a monotonic queue of
 * (number, value), `direction` 1 for the maximum and -1 for the minimum.
 */
class SlidingExtreme {
  private readonly numbers = new Int32Array(WINDOW);
  private readonly values = new Float64Array(WINDOW);
  private front = 0;
  private length = 0;

  constructor(private readonly direction: 1 | -1) {}

  get value(): number {
    return this.values[this.front];
  }

  /** Adds value `number`; values numbered below `oldest` have left the window. */
  push(number: number, value: number, oldest: number): void {
    while (this.length > 0 && this.numbers[this.front] < oldest) {
      this.front = (this.front + 1) & WINDOW_MASK;
      this.length--;
    }
    // values the new one outdoes can never be the extreme again
    while (this.length > 0 && (value - this.values[(this.front + this.length - 1) & WINDOW_MASK]) * this.direction >= 0) this.length--;
    const at = (this.front + this.length++) & WINDOW_MASK;
    this.numbers[at] = number;
    this.values[at] = value;
  }
}

class TeethTrend {
  /** The teeth it was worked out for: numbers [first, end). */
  first = -1;
  end = -1;
  z = 0;
  rise = 0;
  lastHighAt = -Infinity;
}

/** One time scale of the detector; exported for its unit tests only. */
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

// ---- The detector ----------------------------------------------------------------------------

/**
 * Online, causal growth detector. `push` one sample at a time (seconds, bytes); `verdict()`
 * is valid at every moment. Per sample it does O(1) work (a zigzag for teeth and the finest
 * bucket); every closed bucket cascades to the next time scale and is evaluated there: O(1)
 * while the floors are flat, O(WINDOW) while they climb, so all scales together cost about
 * twice the finest one.
 */
export class GrowthDetector {
  private limitBytes: number | null;
  private readonly scales: TimeScale[] = [new TimeScale(0)];
  private samples = 0;
  private startTime: number | null = null;
  private lastTime = -Infinity;
  private lastBytes = 0;
  private peakBytes = 0;
  private firstAlarmAt: number | null = null;
  private alarmedScales = 0;
  private lastAlarmPattern: Pattern | null = null;
  private candidatePattern: Pattern | null = null;
  // zigzag state: seeking a peak (rising) or a trough (falling)
  private seekingPeak = true;
  private extreme = 0;
  private extremeTime = 0;
  private lastPeak = 0;
  private previousBytes = 0;
  private previousTime = 0;
  private readonly teethTroughTime = new Float64Array(TEETH_CAPACITY);
  private readonly teethTroughBytes = new Float64Array(TEETH_CAPACITY);
  private readonly teethDrop = new Float64Array(TEETH_CAPACITY);
  private readonly teethPeakBytes = new Float64Array(TEETH_CAPACITY);
  private teethCount = 0; // total ever; the ring holds the last TEETH_CAPACITY
  private readonly scratch = new Float64Array(WINDOW);
  private readonly residuals = new Float64Array(WINDOW);
  private readonly troughs = new Float64Array(MAX_TROUGHS_TESTED);
  /** Seconds between samples so far, binned by the rate of change (see isStaircase). */
  private readonly rateTotals = new Float64Array(RATE_BINS);
  /** The costly part of the verdict, valid until the next bucket is evaluated. */
  private cachedAnalysis: Analysis | undefined;
  private cachedVerdict: Verdict | undefined;

  constructor(options: DetectorOptions = {}) {
    this.limitBytes = options.limitBytes ?? null;
  }

  setLimit(limitBytes: number | null): void {
    this.limitBytes = limitBytes;
    this.cachedVerdict = undefined;
  }

  /** Verdicts are cheap to read after every sample: the analysis behind them changes per bucket. */

  /** Feeds one sample. Samples older than the previous one are ignored (the caller validates traces). */
  push(t: number, bytes: number): void {
    if (!(t >= this.lastTime) || !Number.isFinite(bytes)) return;
    this.cachedVerdict = undefined;
    if (this.samples === 0) {
      this.startTime = t;
      this.extreme = bytes;
      this.extremeTime = t;
      this.lastPeak = bytes;
    }
    this.samples++;
    this.lastTime = t;
    this.lastBytes = bytes;
    if (bytes > this.peakBytes) this.peakBytes = bytes;
    this.updateZigzag(t, bytes);
    const scale = this.scales[0];
    if (scale.openCount > 0 && t >= scale.openStart + scale.width) this.closeBucket(scale, t);
    if (this.samples > 1) {
      const interval = Math.min(t - this.previousTime, MAX_INTERVAL_WEIGHT_SEC);
      if (interval > 0) {
        const rate = Math.abs(bytes - this.previousBytes) / interval;
        // floor(log2(rate)) from the leading zeros of its integer part (rates of 4 GiB/s and
        // more share the top bin anyway)
        const bin = rate < 2 ** RATE_BIN_BASE_LOG2 ? 0 : rate >= 2 ** 32 ? RATE_BINS - 1 : Math.min(RATE_BINS - 1, 31 - Math.clz32(rate) - RATE_BIN_BASE_LOG2 + 1);
        this.rateTotals[bin] += interval;
      }
    }
    this.previousBytes = bytes;
    this.previousTime = t;
    // the finest scale's open bucket, inline: this runs for every sample
    if (scale.openCount === 0) {
      this.addToScale(0, t, bytes, bytes, t, this.rateTotals, 0);
    } else {
      if (bytes < scale.openMin) scale.openMin = bytes;
      if (bytes > scale.openMax) scale.openMax = bytes;
      scale.openCount++;
    }
  }

  /** Whether the alarm is up: O(1), for callers that check after every sample. */
  get alarm(): boolean {
    return this.alarmedScales > 0;
  }

  verdict(): Verdict {
    this.cachedVerdict ??= this.computeVerdict();
    return this.cachedVerdict;
  }

  private updateZigzag(t: number, bytes: number): void {
    if (this.seekingPeak) {
      if (bytes >= this.extreme) {
        this.extreme = bytes;
        this.extremeTime = t;
      } else if (this.extreme - bytes >= Math.max(REVERSAL_MIN_BYTES, REVERSAL_FRACTION * this.extreme)) {
        this.lastPeak = this.extreme;
        this.seekingPeak = false;
        this.extreme = bytes;
        this.extremeTime = t;
      }
    } else if (bytes <= this.extreme) {
      this.extreme = bytes;
      this.extremeTime = t;
    } else if (bytes - this.extreme >= Math.max(REVERSAL_MIN_BYTES, REVERSAL_FRACTION * this.extreme)) {
      const slot = this.teethCount & TEETH_MASK;
      this.teethTroughTime[slot] = this.extremeTime;
      this.teethTroughBytes[slot] = this.extreme;
      this.teethDrop[slot] = this.lastPeak - this.extreme;
      this.teethPeakBytes[slot] = this.lastPeak;
      this.teethCount++;
      this.seekingPeak = true;
      this.extreme = bytes;
      this.extremeTime = t;
    }
  }

  /**
   * Adds a sample (level 0) or a closed bucket of the scale below to `level`'s open bucket;
   * `snapshot` is the cumulative rate histogram at the start of what is added.
   */
  private addToScale(level: number, start: number, min: number, max: number, now: number, snapshot: Float64Array, snapshotAt: number): void {
    const scale = this.scales[level];
    if (scale.openCount > 0 && start >= scale.openStart + scale.width) {
      this.closeBucket(scale, now);
    }
    if (scale.openCount === 0) {
      scale.openStart = Math.floor(start / scale.width) * scale.width;
      scale.openMin = min;
      scale.openMax = max;
      const to = scale.nextSlot * RATE_BINS;
      const into = scale.snapshots;
      for (let bin = 0; bin < RATE_BINS; bin++) into[to + bin] = snapshot[snapshotAt + bin];
    } else {
      if (min < scale.openMin) scale.openMin = min;
      if (max > scale.openMax) scale.openMax = max;
    }
    scale.openCount++;
  }

  private closeBucket(scale: TimeScale, now: number): void {
    const { openStart, openMin, openMax } = scale;
    const slot = scale.push(openMin, openMax, openStart + scale.width / 2);
    scale.openCount = 0;
    this.evaluate(scale, now);
    if (scale.level + 1 < MAX_LEVELS) {
      if (this.scales.length === scale.level + 1) this.scales.push(new TimeScale(scale.level + 1));
      this.addToScale(scale.level + 1, openStart, openMin, openMax, now, scale.snapshots, slot * RATE_BINS);
    }
  }

  private evaluate(scale: TimeScale, now: number): void {
    this.cachedAnalysis = undefined;
    const evaluation = this.evaluateScale(scale, now);
    scale.last = evaluation;
    const wasAlarmed = scale.alarmed;
    if (!scale.alarmed) {
      scale.raiseStreak = evaluation.growingRaise ? scale.raiseStreak + 1 : 0;
      if (scale.raiseStreak >= RAISE_CONFIRMATIONS) {
        scale.alarmed = true;
        scale.clearStreak = 0;
      }
    } else {
      scale.clearStreak = evaluation.growingHold ? 0 : scale.clearStreak + 1;
      if (scale.clearStreak >= Math.max(CLEAR_CONFIRMATIONS, Math.ceil(CLEAR_AFTER_SEC / scale.width))) {
        scale.alarmed = false;
        scale.raiseStreak = 0;
      }
    }
    if (scale.alarmed !== wasAlarmed) {
      this.alarmedScales += scale.alarmed ? 1 : -1;
      if (scale.alarmed && this.firstAlarmAt === null) this.firstAlarmAt = now;
    }
    // Only while alarmed (rare). A new shape must be seen twice in a row before the verdict
    // switches to it, so a staircase sampled at 4 Hz does not blink to steady-growth.
    if (scale.alarmed && evaluation.growingHold && scale === this.decidingScale()) {
      const pattern = this.classify(scale, evaluation);
      if (this.lastAlarmPattern === null || pattern === this.candidatePattern) this.lastAlarmPattern = pattern;
      this.candidatePattern = pattern;
    }
  }

  private classify(scale: TimeScale, evaluation: LevelEvaluation): Pattern {
    const { teeth, dropTotal } = this.teethSince(evaluation.windowStart, false);
    const upTotal = dropTotal + Math.max(evaluation.rise, 0);
    if (teeth >= SAWTOOTH_MIN_TEETH && upTotal > 0 && dropTotal / upTotal >= SAWTOOTH_MIN_DROP_SHARE) return 'sawtooth-ratchet';
    return this.isStaircase(scale, evaluation) ? 'staircase' : 'steady-growth';
  }

  private evaluateScale(scale: TimeScale, now: number): LevelEvaluation {
    const n = scale.count;
    if (n < MIN_POINTS) return NO_GROWTH;
    const windowStart = scale.mids[scale.head] - scale.width / 2;
    // Where the floor last fell back (a full collection): the evidence for raising starts there.
    const segmentOffset = scale.segmentOffset;
    const segmented = segmentOffset > 0 && n - segmentOffset >= MIN_POINTS;
    // Floors that span too little to have grown carry no evidence (see spansGrowth): a
    // healthy process skips the trend counts altogether.
    const spans = scale.spansGrowth();
    if (spans) scale.countTrend();
    const z = spans ? mannKendallZ(scale.windowS, n) : 0;
    const segmentZ = spans && segmented ? mannKendallZ(scale.segmentS, n - segmentOffset) : 0;
    // An alarmed scale needs the evidence to hold; any other only to raise, which needs
    // Z_RAISE. Noise passes Z_HOLD one window in ten; Z_RAISE one in two hundred, so this
    // gate keeps the costly part below off almost every bucket of a healthy process.
    const needed = scale.alarmed ? Z_HOLD : Z_RAISE;
    if (z < needed && segmentZ < Z_RAISE && this.teethTrend(windowStart, scale.windowTeeth).z < needed) return NO_GROWTH;
    const whole = this.growthEvidence(scale, 0, z, now, !scale.alarmed, scale.wholeRecord);
    if (!segmented || (scale.alarmed && whole.growingHold)) return whole;
    const segment = this.growthEvidence(scale, segmentOffset, segmentZ, now, true, scale.segmentRecord);
    // Raising looks only past the last fall, where a ratchet climbs again from its reset floor;
    // holding looks at the whole window, so an alarm stays up through a full collection. A climb
    // past the fall holds only if it would raise: a healthy sawtooth's every tooth is a fresh
    // climb, and only the level troughs (withinRecentTeeth) tell it apart.
    const figures = segment.growingRaise || !whole.growingHold ? segment : whole;
    return scale.combinedRecord.set(
      whole.growingHold || segment.growingRaise,
      segment.growingRaise,
      figures.baseline,
      figures.rise,
      figures.slope,
      figures.windowStart,
    );
  }

  /**
   * Growth evidence of the floors from bucket `from` of the window to the newest, with
   * `floorZ` the Mann–Kendall Z of those floors. With `raising` false only whether growth
   * holds is worked out; the raise conditions are checked cheapest first.
   */
  private growthEvidence(scale: TimeScale, from: number, floorZ: number, now: number, raising: boolean, into: EvaluationRecord): LevelEvaluation {
    const n = scale.count;
    const floors = scale.mins; // the window is the contiguous run [head, head + n)
    const mids = scale.mids;
    const first = scale.head + from;
    const end = scale.head + n;
    const m = n - from;
    const windowStart = mids[first] - scale.width / 2;
    // The trend of the floors, or of the zigzag troughs: a sawtooth's teeth can be shorter than
    // a bucket is wide, and then its troughs carry the ratchet more clearly than bucket minima.
    let z = floorZ;
    let teethRise = 0;
    let teethHighAt = -Infinity;
    if (z < Z_RAISE) {
      const teeth = this.teethTrend(windowStart, from === 0 ? scale.windowTeeth : scale.segmentTeeth);
      if (teeth.z > z) {
        z = teeth.z;
        teethRise = teeth.rise;
        teethHighAt = teeth.lastHighAt;
      }
    }
    if (z < Z_HOLD) return NO_GROWTH;
    const minRiseFloor = Math.max(MIN_RISE_BYTES, MIN_RISE_FRACTION * scale.minFloor);
    // A process that keeps coming back down to level troughs cannot raise (checked first: O(1)),
    // nor hold once its troughs are level within half that (the hysteresis of this condition).
    if (raising && (z < Z_RAISE || this.withinRecentTeeth(now, minRiseFloor))) return NO_GROWTH;
    if (!raising && this.withinRecentTeeth(now, minRiseFloor, 0.25)) return NO_GROWTH;
    // Tukey's resistant line: medians of the outer thirds give a level and a rise that one
    // odd bucket cannot move.
    const third = Math.floor(m / 3);
    const baseline = medianOf(floors, first, first + third, this.scratch);
    const top = medianOf(floors, end - third, end, this.scratch);
    const rise = Math.max(top - baseline, teethRise);
    const minRise = Math.max(MIN_RISE_BYTES, MIN_RISE_FRACTION * baseline);
    const tLeft = mids[first + Math.floor(third / 2)];
    const tRight = mids[end - third + Math.floor(third / 2)];
    const span = mids[end - 1] - mids[first] + scale.width;
    const slope = rise / Math.max(tRight - tLeft, scale.width);
    // When did the floor last make a new high? (anchored so a slow climb still registers)
    const epsilon = Math.max(MIB, 0.05 * Math.max(rise, 0));
    let anchor = floors[first];
    let lastHighAt = mids[first];
    let maxFloor = anchor;
    for (let i = first + 1; i < end; i++) {
      const floor = floors[i];
      if (floor > anchor + epsilon) {
        anchor = floor;
        lastHighAt = mids[i];
      }
      if (floor > maxFloor) maxFloor = floor;
    }
    const sinceHigh = now - Math.max(lastHighAt, teethHighAt);
    const growingHold = rise >= minRise / 2 && sinceHigh <= Math.max(ONGOING_SHARE_HOLD * span, 4 * scale.width);
    if (!raising || !growingHold || rise < minRise || sinceHigh > Math.max(ONGOING_SHARE_RAISE * span, 2 * scale.width)) {
      return into.set(growingHold, false, baseline, rise, slope, windowStart);
    }
    // Rise time from 25 % to 75 % of the floor's extent.
    const low = baseline + 0.25 * (maxFloor - baseline);
    const high = baseline + 0.75 * (maxFloor - baseline);
    let lowAt = NaN;
    let highAt = NaN;
    for (let i = first; i < end; i++) {
      if (Number.isNaN(lowAt) && floors[i] >= low) lowAt = mids[i];
      if (floors[i] >= high) {
        highAt = mids[i];
        break;
      }
    }
    const riseTime = highAt - lowAt;
    const growingRaise =
      riseTime >= Math.max(MIN_RISE_TIME_SEC, MIN_RISE_TIME_BUCKETS * scale.width) &&
      !this.withinRecentTeeth(now, minRise) &&
      (teethRise > 0 || this.clearOfScatter(first, end, scale, baseline, top, tLeft, tRight, rise));
    return into.set(growingHold, growingRaise, baseline, rise, slope, windowStart);
  }

  /**
   * A process that climbed and came all the way back down, tooth after tooth, is climbing its
   * next tooth: while the RSS stays within a tooth's height of the recent peaks and the recent
   * troughs are level (within `levelShare` of the least growth that counts), a climb at a fine
   * scale is not growth. A ratchet's troughs climb; a leak passes the peaks by more than a
   * tooth. Peaks may grow from tooth to tooth (a loop whose batches get bigger, a trimmed
   * allocator) while the troughs stay put: that returns everything, so it is not a ratchet.
   */
  private withinRecentTeeth(now: number, minRise: number, levelShare = 0.5): boolean {
    if (this.teethCount < RECENT_TEETH) return false;
    let lowTrough = Infinity;
    let highTrough = -Infinity;
    let highPeak = -Infinity;
    for (let k = this.teethCount - RECENT_TEETH; k < this.teethCount; k++) {
      const slot = k & TEETH_MASK;
      lowTrough = Math.min(lowTrough, this.teethTroughBytes[slot]);
      highTrough = Math.max(highTrough, this.teethTroughBytes[slot]);
      highPeak = Math.max(highPeak, this.teethPeakBytes[slot]);
    }
    const first = this.teethTroughTime[(this.teethCount - RECENT_TEETH) & TEETH_MASK];
    const last = this.teethTroughTime[(this.teethCount - 1) & TEETH_MASK];
    const period = (last - first) / (RECENT_TEETH - 1);
    const recent = now - last <= 2 * period + MIN_RISE_TIME_SEC;
    return recent && highTrough - lowTrough < levelShare * minRise && this.lastBytes <= highPeak + (highPeak - lowTrough);
  }

  /**
   * The floors' scatter around the resistant line (a robust sigma). A wandering floor can fool a
   * trend test, since its neighbours are correlated; it cannot rise far above its own scatter.
   * Not for the teeth path: there the floors' scatter is the teeth themselves. Checked last,
   * only when everything else says raise.
   */
  private clearOfScatter(
    first: number,
    end: number,
    scale: TimeScale,
    baseline: number,
    top: number,
    tLeft: number,
    tRight: number,
    rise: number,
  ): boolean {
    const slope = tRight > tLeft ? (top - baseline) / (tRight - tLeft) : 0;
    const residuals = this.residuals;
    const { mins, mids } = scale;
    for (let i = first; i < end; i++) residuals[i - first] = Math.abs(mins[i] - (baseline + slope * (mids[i] - tLeft)));
    const sigma = 1.4826 * medianOf(residuals, 0, end - first, this.scratch);
    return rise >= RISE_TO_SCATTER * sigma;
  }

  /**
   * Trend of the teeth's troughs inside the window (at most 32, at least 6): Mann–Kendall Z and
   * the resistant rise. Teeth shorter than a bucket hide a ratchet from bucket minima. The
   * answer is kept in `cache` (one per scale and window kind) until the troughs in the window
   * change: a tooth every few buckets, while the test is quadratic in the troughs.
   */
  private teethTrend(windowStart: number, cache: TeethTrend): TeethTrend {
    const oldest = Math.max(0, this.teethCount - Math.min(TEETH_CAPACITY, MAX_TROUGHS_TESTED));
    let first = this.teethCount;
    while (first > oldest && this.teethTroughTime[(first - 1) & TEETH_MASK] >= windowStart) first--;
    if (cache.first === first && cache.end === this.teethCount) return cache;
    cache.first = first;
    cache.end = this.teethCount;
    cache.z = 0;
    cache.rise = 0;
    cache.lastHighAt = -Infinity;
    const m = this.teethCount - first;
    if (m < MIN_TROUGHS_TESTED) return cache;
    const troughs = this.troughs;
    for (let i = 0; i < m; i++) troughs[i] = this.teethTroughBytes[(first + i) & TEETH_MASK];
    const z = mannKendallZ(mannKendallS(troughs, 0, m), m);
    if (z <= 0) return cache;
    const third = Math.max(1, Math.floor(m / 3));
    const rise = medianOf(troughs, m - third, m, this.scratch) - medianOf(troughs, 0, third, this.scratch);
    // when the troughs last made a new high (anchored, as for the floors)
    const epsilon = Math.max(MIB, 0.05 * Math.max(rise, 0));
    let anchor = troughs[0];
    let lastHighAt = this.teethTroughTime[first & TEETH_MASK];
    for (let i = 1; i < m; i++) {
      if (troughs[i] > anchor + epsilon) {
        anchor = troughs[i];
        lastHighAt = this.teethTroughTime[(first + i) & TEETH_MASK];
      }
    }
    cache.z = z;
    cache.rise = rise;
    cache.lastHighAt = lastHighAt;
    return cache;
  }

  /**
   * The scale the verdict speaks from: the coarsest alarmed one, else the finest that meets the
   * raise conditions (growth about to be confirmed). Weaker evidence reads as flat, so a healthy
   * process never shows a growth pattern.
   */
  private decidingScale(): TimeScale | undefined {
    if (this.alarmedScales > 0) {
      for (let level = this.scales.length - 1; level >= 0; level--) {
        if (this.scales[level].alarmed) return this.scales[level];
      }
    }
    return this.scales.find((scale) => scale.last?.growingRaise);
  }

  private computeVerdict(): Verdict {
    this.cachedAnalysis ??= this.analyse();
    const analysis = this.cachedAnalysis;
    return {
      pattern: analysis.pattern,
      alarm: this.alarmedScales > 0,
      firstAlarmAt: this.firstAlarmAt,
      troughSlopeBytesPerSec: analysis.slope,
      teeth: analysis.teeth,
      growthBytes: analysis.growthBytes,
      baselineBytes: analysis.baselineBytes,
      peakBytes: this.peakBytes,
      lastBytes: this.lastBytes,
      samples: this.samples,
      startTime: this.startTime,
      lastTime: this.samples > 0 ? this.lastTime : null,
      lastAlarmPattern: this.lastAlarmPattern,
      timescaleSec: analysis.scale ? analysis.scale.width * WINDOW : null,
      forecast: analysis.scale
        ? this.forecast(analysis.slope, analysis.scale)
        : { limitBytes: this.limitBytes, secondsToLimit: null, reachesLimitAt: null },
    };
  }

  private analyse(): Analysis {
    const scale = this.decidingScale();
    const alarm = this.alarmedScales > 0;
    if (!scale || !scale.last || Number.isNaN(scale.last.baseline)) {
      // Alarmed, but this window's evidence just thinned out: keep saying what it was.
      const pattern = alarm && this.lastAlarmPattern ? this.lastAlarmPattern : 'flat';
      return { pattern, slope: this.floorSlope(this.scales[0]), teeth: 0, growthBytes: 0, baselineBytes: null, scale: undefined };
    }
    const evaluation = scale.last;
    const { teeth, troughSlope } = this.teethSince(evaluation.windowStart, true);
    return {
      pattern: alarm && this.lastAlarmPattern ? this.lastAlarmPattern : this.classify(scale, evaluation),
      slope: troughSlope ?? this.floorSlope(scale),
      teeth,
      growthBytes: Math.max(0, evaluation.rise),
      baselineBytes: evaluation.baseline,
      scale,
    };
  }

  private teethSince(windowStart: number, withSlope: boolean): { teeth: number; dropTotal: number; troughSlope: number | undefined } {
    const times: number[] = [];
    const troughs: number[] = [];
    let dropTotal = 0;
    let teeth = 0;
    const oldest = Math.max(0, this.teethCount - TEETH_CAPACITY);
    for (let k = this.teethCount - 1; k >= oldest; k--) {
      const slot = k & TEETH_MASK;
      if (this.teethTroughTime[slot] < windowStart) break;
      // the slope needs only the recent teeth: Theil–Sen is quadratic in their number
      if (times.length < MAX_TEETH_FOR_SLOPE) {
        times.push(this.teethTroughTime[slot]);
        troughs.push(this.teethTroughBytes[slot]);
      }
      teeth++;
      dropTotal += this.teethDrop[slot];
    }
    times.reverse();
    troughs.reverse();
    const troughSlope = withSlope && times.length >= 3 ? theilSenSlope(times, troughs, times.length) : undefined;
    return { teeth, dropTotal, troughSlope };
  }

  /** Resistant-line slope of a scale's floors: O(n), cheap enough to refresh at every bucket. */
  private floorSlope(scale: TimeScale): number {
    const n = scale.count;
    if (n < 3) return 0;
    const third = Math.floor(n / 3);
    const head = scale.head;
    const left = medianOf(scale.mins, head, head + third, this.scratch);
    const right = medianOf(scale.mins, head + n - third, head + n, this.scratch);
    const tLeft = scale.mids[head + Math.floor(third / 2)];
    const tRight = scale.mids[head + n - third + Math.floor(third / 2)];
    return tRight > tLeft ? (right - left) / (tRight - tLeft) : 0;
  }

  /** Whether the window spent enough of its time on plateaus, relative to its own growth rate. */
  private isStaircase(scale: TimeScale, evaluation: LevelEvaluation): boolean {
    const threshold = PLATEAU_RATE_SHARE * evaluation.slope;
    if (!(threshold > 0)) return false;
    // bins entirely below the threshold count as plateau time
    const plateauBins = threshold < 2 ** RATE_BIN_BASE_LOG2 ? 0 : Math.min(RATE_BINS, Math.floor(Math.log2(threshold)) - RATE_BIN_BASE_LOG2 + 1);
    let plateau = 0;
    let total = 0;
    const base = scale.snapshotBase;
    for (let bin = 0; bin < RATE_BINS; bin++) {
      const seconds = this.rateTotals[bin] - scale.snapshots[base + bin];
      total += seconds;
      if (bin < plateauBins) plateau += seconds;
    }
    return total > 0 && plateau / total >= STAIRCASE_MIN_PLATEAU_SHARE;
  }

  private forecast(slope: number, scale: TimeScale): Forecast {
    if (this.limitBytes === null || !(slope > 0) || this.samples === 0) {
      return { limitBytes: this.limitBytes, secondsToLimit: null, reachesLimitAt: null };
    }
    // The peaks hit the limit first: start from the highest point of the last two buckets.
    let recentPeak = this.lastBytes;
    for (let i = Math.max(0, scale.count - 2); i < scale.count; i++) {
      recentPeak = Math.max(recentPeak, scale.maxs[scale.head + i]);
    }
    const secondsToLimit = Math.max(0, (this.limitBytes - recentPeak) / slope);
    return { limitBytes: this.limitBytes, secondsToLimit, reachesLimitAt: this.lastTime + secondsToLimit };
  }
}
