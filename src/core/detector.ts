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

interface LevelEvaluation {
  readonly growingHold: boolean;
  readonly growingRaise: boolean;
  readonly baseline: number;
  readonly rise: number;
  /** Growth rate of the floors (bytes/s) from the resistant line. */
  readonly slope: number;
  readonly windowStart: number;
}

class TimeScale {
  readonly width: number;
  // the bucket being filled
  openStart = NaN;
  openMin = 0;
  openMax = 0;
  openCount = 0;
  /** Seconds between samples inside the open bucket, binned by the rate of change. */
  readonly openRates = new Float64Array(RATE_BINS);
  // closed buckets, oldest first from `head`
  readonly mins = new Float64Array(WINDOW);
  readonly maxs = new Float64Array(WINDOW);
  readonly mids = new Float64Array(WINDOW);
  /** The rate histogram of each closed bucket (RATE_BINS values a bucket). */
  readonly rates = new Float64Array(WINDOW * RATE_BINS);
  /** The rate histograms of the whole window, summed (kept incrementally). */
  readonly rateSums = new Float64Array(RATE_BINS);
  head = 0;
  count = 0;
  /** Mann–Kendall S over `mins`, kept incrementally: O(WINDOW) a bucket instead of O(WINDOW²). */
  mkS = 0;
  /** Buckets pushed since the start, and the first one of the floor's current climb. */
  pushed = 0;
  segmentStart = 0;
  private segmentMin = Infinity;
  private segmentMax = -Infinity;
  alarmed = false;
  raiseStreak = 0;
  clearStreak = 0;
  last: LevelEvaluation | undefined;

  constructor(readonly level: number) {
    this.width = BASE_BUCKET_SEC * 2 ** level;
  }

  at(i: number): number {
    return (this.head + i) & WINDOW_MASK;
  }

  push(min: number, max: number, mid: number, rates: Float64Array): void {
    const mins = this.mins;
    let s = 0;
    let slot: number;
    if (this.count === WINDOW) {
      // Evict the oldest and add the newest in one pass: S is a sum over pairs, so the order
      // of the slots does not matter.
      const head = this.head;
      const oldest = mins[head];
      // branch-free signs: this loop runs once for every closed bucket of every scale
      for (let j = 0; j < WINDOW; j++) {
        const v = mins[j];
        s += +(min > v) - +(min < v) - +(v > oldest) + +(v < oldest);
      }
      s -= +(min > oldest) - +(min < oldest); // the evicted slot itself is not a pair
      const base = head * RATE_BINS;
      for (let bin = 0; bin < RATE_BINS; bin++) this.rateSums[bin] -= this.rates[base + bin];
      slot = head; // the evicted slot holds the newest bucket
      this.head = (head + 1) & WINDOW_MASK;
    } else {
      // Until the window is full, head is 0 and the buckets sit in slots 0..count-1.
      for (let j = 0; j < this.count; j++) {
        const v = mins[j];
        s += +(min > v) - +(min < v);
      }
      slot = this.count++;
    }
    this.mkS += s;
    this.trackSegment(min);
    mins[slot] = min;
    this.maxs[slot] = max;
    this.mids[slot] = mid;
    this.rates.set(rates, slot * RATE_BINS);
    for (let bin = 0; bin < RATE_BINS; bin++) this.rateSums[bin] += rates[bin];
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
 * bucket); every closed bucket cascades to the next time scale and is evaluated there in
 * O(WINDOW), so all scales together cost about twice the finest one.
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
  private readonly ordered = new Float64Array(WINDOW);
  private readonly residuals = new Float64Array(WINDOW);
  private readonly troughs = new Float64Array(MAX_TROUGHS_TESTED);
  private readonly orderedMids = new Float64Array(WINDOW);
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
        const bin = rate < 2 ** RATE_BIN_BASE_LOG2 ? 0 : Math.min(RATE_BINS - 1, Math.floor(Math.log2(rate)) - RATE_BIN_BASE_LOG2 + 1);
        scale.openRates[bin] += interval;
      }
    }
    this.previousBytes = bytes;
    this.previousTime = t;
    this.addToScale(0, t, bytes, bytes, t, undefined);
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

  /** Adds a sample (level 0) or a closed bucket of the scale below to `level`'s open bucket. */
  private addToScale(level: number, start: number, min: number, max: number, now: number, rates: Float64Array | undefined): void {
    const scale = this.scales[level];
    if (scale.openCount > 0 && start >= scale.openStart + scale.width) {
      this.closeBucket(scale, now);
    }
    if (scale.openCount === 0) {
      scale.openStart = Math.floor(start / scale.width) * scale.width;
      scale.openMin = min;
      scale.openMax = max;
    } else {
      if (min < scale.openMin) scale.openMin = min;
      if (max > scale.openMax) scale.openMax = max;
    }
    if (rates) for (let i = 0; i < RATE_BINS; i++) scale.openRates[i] += rates[i];
    scale.openCount++;
  }

  private closeBucket(scale: TimeScale, now: number): void {
    const { openStart, openMin, openMax, openRates } = scale;
    scale.push(openMin, openMax, openStart + scale.width / 2, openRates);
    scale.openCount = 0;
    this.evaluate(scale, now);
    if (scale.level + 1 < MAX_LEVELS) {
      if (this.scales.length === scale.level + 1) this.scales.push(new TimeScale(scale.level + 1));
      this.addToScale(scale.level + 1, openStart, openMin, openMax, now, openRates);
    }
    openRates.fill(0);
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
    const windowStart = n > 0 ? scale.mids[scale.head] - scale.width / 2 : now;
    const none: LevelEvaluation = { growingHold: false, growingRaise: false, baseline: NaN, rise: 0, slope: 0, windowStart };
    if (n < MIN_POINTS) return none;
    // Where the floor last fell back (a full collection): the evidence for raising starts there.
    const segmentOffset = Math.max(0, scale.segmentStart - (scale.pushed - n));
    const segmented = segmentOffset > 0 && n - segmentOffset >= MIN_POINTS;
    const z = mannKendallZ(scale.mkS, n);
    if (z < Z_HOLD && !segmented && this.teethTrend(windowStart).z < Z_HOLD) return none; // the common, cheap path
    const floors = this.ordered;
    const mids = this.orderedMids;
    for (let i = 0; i < n; i++) {
      const slot = scale.at(i);
      floors[i] = scale.mins[slot];
      mids[i] = scale.mids[slot];
    }
    const whole = this.growthEvidence(scale, 0, z, now);
    if (!segmented) return whole;
    const segment = this.growthEvidence(scale, segmentOffset, mannKendallZ(mannKendallS(floors, segmentOffset, n), n - segmentOffset), now);
    // Raising looks only past the last fall, where a ratchet climbs again from its reset floor;
    // holding looks at the whole window, so an alarm stays up through a full collection. A climb
    // past the fall holds only if it would raise: a healthy sawtooth's every tooth is a fresh
    // climb, and only the level troughs (withinRecentTeeth) tell it apart.
    const figures = segment.growingRaise || !whole.growingHold ? segment : whole;
    return { ...figures, growingHold: whole.growingHold || segment.growingRaise, growingRaise: segment.growingRaise };
  }

  /**
   * Growth evidence of the floors from bucket `from` to the newest (already copied into
   * `ordered`/`orderedMids`), with `floorZ` the Mann–Kendall Z of those floors.
   */
  private growthEvidence(scale: TimeScale, from: number, floorZ: number, now: number): LevelEvaluation {
    const n = scale.count;
    const floors = this.ordered.subarray(from, n);
    const mids = this.orderedMids.subarray(from, n);
    const m = n - from;
    const windowStart = mids[0] - scale.width / 2;
    const none: LevelEvaluation = { growingHold: false, growingRaise: false, baseline: NaN, rise: 0, slope: 0, windowStart };
    // The trend of the floors, or of the zigzag troughs: a sawtooth's teeth can be shorter than
    // a bucket is wide, and then its troughs carry the ratchet more clearly than bucket minima.
    let z = floorZ;
    let teethRise = 0;
    let teethHighAt = -Infinity;
    if (z < Z_RAISE) {
      const teeth = this.teethTrend(windowStart);
      if (teeth.z > z) {
        z = teeth.z;
        teethRise = teeth.rise;
        teethHighAt = teeth.lastHighAt;
      }
    }
    if (z < Z_HOLD) return none;
    let maxFloor = -Infinity;
    for (let i = 0; i < m; i++) if (floors[i] > maxFloor) maxFloor = floors[i];
    // Tukey's resistant line: medians of the outer thirds give a level and a rise that one
    // odd bucket cannot move.
    const third = Math.floor(m / 3);
    const baseline = medianOf(floors, 0, third, this.scratch);
    const top = medianOf(floors, m - third, m, this.scratch);
    const rise = Math.max(top - baseline, teethRise);
    const minRise = Math.max(MIN_RISE_BYTES, MIN_RISE_FRACTION * baseline);
    const tLeft = mids[Math.floor(third / 2)];
    const tRight = mids[m - third + Math.floor(third / 2)];
    const span = mids[m - 1] - mids[0] + scale.width;
    // When did the floor last make a new high? (anchored so a slow climb still registers)
    const epsilon = Math.max(MIB, 0.05 * Math.max(rise, 0));
    let anchor = floors[0];
    let lastHighAt = mids[0];
    for (let i = 1; i < m; i++) {
      if (floors[i] > anchor + epsilon) {
        anchor = floors[i];
        lastHighAt = mids[i];
      }
    }
    const sinceHigh = now - Math.max(lastHighAt, teethHighAt);
    // Rise time from 25 % to 75 % of the floor's extent.
    const low = baseline + 0.25 * (maxFloor - baseline);
    const high = baseline + 0.75 * (maxFloor - baseline);
    let lowAt = NaN;
    let highAt = NaN;
    for (let i = 0; i < m; i++) {
      if (Number.isNaN(lowAt) && floors[i] >= low) lowAt = mids[i];
      if (floors[i] >= high) {
        highAt = mids[i];
        break;
      }
    }
    const riseTime = highAt - lowAt;
    const growingHold = rise >= minRise / 2 && sinceHigh <= Math.max(ONGOING_SHARE_HOLD * span, 4 * scale.width);
    const growingRaise =
      growingHold &&
      z >= Z_RAISE &&
      rise >= minRise &&
      riseTime >= Math.max(MIN_RISE_TIME_SEC, MIN_RISE_TIME_BUCKETS * scale.width) &&
      sinceHigh <= Math.max(ONGOING_SHARE_RAISE * span, 2 * scale.width) &&
      !this.withinRecentTeeth(now, minRise) &&
      (teethRise > 0 || this.clearOfScatter(floors, mids, m, baseline, top, tLeft, tRight, rise));
    return { growingHold, growingRaise, baseline, rise, slope: rise / Math.max(tRight - tLeft, scale.width), windowStart };
  }

  /**
   * A process that climbed and came all the way back down, tooth after tooth, is climbing its
   * next tooth: while the RSS stays under the recent peaks and the recent troughs are level,
   * a climb at a fine scale is not growth. (A ratchet's troughs climb, a leak passes the peaks.)
   */
  private withinRecentTeeth(now: number, minRise: number): boolean {
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
    return recent && highTrough - lowTrough < minRise / 2 && this.lastBytes <= highPeak;
  }

  /**
   * The floors' scatter around the resistant line (a robust sigma). A wandering floor can fool a
   * trend test, since its neighbours are correlated; it cannot rise far above its own scatter.
   * Not for the teeth path: there the floors' scatter is the teeth themselves. Checked last,
   * only when everything else says raise.
   */
  private clearOfScatter(
    floors: Float64Array,
    mids: Float64Array,
    n: number,
    baseline: number,
    top: number,
    tLeft: number,
    tRight: number,
    rise: number,
  ): boolean {
    const slope = tRight > tLeft ? (top - baseline) / (tRight - tLeft) : 0;
    const residuals = this.residuals;
    for (let i = 0; i < n; i++) residuals[i] = Math.abs(floors[i] - (baseline + slope * (mids[i] - tLeft)));
    const sigma = 1.4826 * medianOf(residuals, 0, n, this.scratch);
    return rise >= RISE_TO_SCATTER * sigma;
  }

  /**
   * Trend of the teeth's troughs inside the window (at most 32, at least 6): Mann–Kendall Z and
   * the resistant rise. Teeth shorter than a bucket hide a ratchet from bucket minima.
   */
  private teethTrend(windowStart: number): { z: number; rise: number; lastHighAt: number } {
    const none = { z: 0, rise: 0, lastHighAt: -Infinity };
    const oldest = Math.max(0, this.teethCount - Math.min(TEETH_CAPACITY, MAX_TROUGHS_TESTED));
    let first = this.teethCount;
    while (first > oldest && this.teethTroughTime[(first - 1) & TEETH_MASK] >= windowStart) first--;
    const m = this.teethCount - first;
    if (m < MIN_TROUGHS_TESTED) return none;
    const troughs = this.troughs;
    for (let i = 0; i < m; i++) troughs[i] = this.teethTroughBytes[(first + i) & TEETH_MASK];
    let s = 0;
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) s += Math.sign(troughs[j] - troughs[i]);
    const z = mannKendallZ(s, m);
    if (z <= 0) return none;
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
    return { z, rise, lastHighAt };
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
    for (let i = 0; i < n; i++) this.ordered[i] = scale.mins[scale.at(i)];
    const left = medianOf(this.ordered, 0, third, this.scratch);
    const right = medianOf(this.ordered, n - third, n, this.scratch);
    const tLeft = scale.mids[scale.at(Math.floor(third / 2))];
    const tRight = scale.mids[scale.at(n - third + Math.floor(third / 2))];
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
    for (let bin = 0; bin < RATE_BINS; bin++) {
      total += scale.rateSums[bin];
      if (bin < plateauBins) plateau += scale.rateSums[bin];
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
      recentPeak = Math.max(recentPeak, scale.maxs[scale.at(i)]);
    }
    const secondsToLimit = Math.max(0, (this.limitBytes - recentPeak) / slope);
    return { limitBytes: this.limitBytes, secondsToLimit, reachesLimitAt: this.lastTime + secondsToLimit };
  }
}
