import { mannKendallS, mannKendallZ, medianOf, theilSenSlope } from '../stats';
import * as thresholds from './thresholds';

// Local copies: a module that runs from source (tests, under tsx) reads an imported binding
// through a getter, a call per read in the hot loops.
const {
  BIG_TOOTH_SHARE,
  STEADY_RISE_SHARE,
  CEILING_PINNED_SHARE,
  CEILING_SHARE,
  MAX_TEETH_FOR_SLOPE,
  MAX_TEETH_UNDER_CEILING,
  LEVEL_OFF_SHARE,
  MAX_TROUGHS_TESTED,
  MIB,
  MIN_RISE_TIME_SEC,
  MIN_TROUGHS_TESTED,
  RECENT_TEETH,
  REVERSAL_FRACTION,
  REVERSAL_MIN_BYTES,
  TEETH_CAPACITY,
  TEETH_MASK,
} = thresholds;

/** The troughs' trend over some teeth, cached per scale and window kind (see TeethTracker.trend). */
export class TeethTrend {
  /** The teeth it was worked out for: numbers [first, end). */
  first = -1;
  end = -1;
  z = 0;
  rise = 0;
  lastHighAt = -Infinity;
  /** Whether the troughs' climb levels off: their last third climbs far slower than their first. */
  levelling = false;
}

export interface TeethSummary {
  readonly teeth: number;
  /** Sum of the teeth's drops (bytes). */
  readonly dropTotal: number;
  /** Theil–Sen slope of the troughs (bytes/s), when asked for and there are three teeth or more. */
  readonly troughSlope: number | undefined;
}

/**
 * The rise-and-drop cycles of the raw samples: a zigzag with a reversal of REVERSAL_*, and a
 * ring of the last TEETH_CAPACITY teeth (trough time and bytes, the drop into it, the peak
 * before it). Teeth shorter than a bucket are seen here and nowhere else.
 */
export class TeethTracker {
  // zigzag state: seeking a peak (rising) or a trough (falling)
  private seekingPeak = true;
  private extreme = 0;
  private extremeTime = 0;
  private lastPeak = 0;
  readonly troughTime = new Float64Array(TEETH_CAPACITY);
  readonly troughBytes = new Float64Array(TEETH_CAPACITY);
  readonly drop = new Float64Array(TEETH_CAPACITY);
  readonly peakBytes = new Float64Array(TEETH_CAPACITY);
  /** Teeth ever; the ring holds the last TEETH_CAPACITY. */
  count = 0;
  private readonly troughs = new Float64Array(MAX_TEETH_UNDER_CEILING);
  private readonly scratch = new Float64Array(MAX_TROUGHS_TESTED);
  /** underCeilingZ's answer, the tooth count it is for, and when the ceiling was first reached (s). */
  private ceilingZ = NaN;
  private ceilingZAt = -1;
  private ceilingTime = NaN;
  private bigDrop = Infinity;

  /** Starts the zigzag at the first sample. */
  start(t: number, bytes: number): void {
    this.extreme = bytes;
    this.extremeTime = t;
    this.lastPeak = bytes;
  }

  update(t: number, bytes: number): void {
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
      const slot = this.count & TEETH_MASK;
      this.troughTime[slot] = this.extremeTime;
      this.troughBytes[slot] = this.extreme;
      this.drop[slot] = this.lastPeak - this.extreme;
      this.peakBytes[slot] = this.lastPeak;
      this.count++;
      this.seekingPeak = true;
      this.extreme = bytes;
      this.extremeTime = t;
    }
  }

  /**
   * A process that climbed and came all the way back down, tooth after tooth, is climbing its
   * next tooth: while the RSS (`lastBytes`) stays within a tooth's height of the recent peaks
   * and the recent troughs are level (within `levelShare` of the least growth that counts), a
   * climb at a fine scale is not growth. A ratchet's troughs climb; a leak passes the peaks by
   * more than a tooth. Peaks may grow from tooth to tooth (a loop whose batches get bigger, a
   * trimmed allocator) while the troughs stay put: that returns everything, so it is not a ratchet.
   */
  withinRecentTeeth(now: number, lastBytes: number, minRise: number, levelShare = 0.5): boolean {
    if (this.count < RECENT_TEETH) return false;
    let lowTrough = Infinity;
    let highTrough = -Infinity;
    let highPeak = -Infinity;
    for (let k = this.count - RECENT_TEETH; k < this.count; k++) {
      const slot = k & TEETH_MASK;
      lowTrough = Math.min(lowTrough, this.troughBytes[slot]);
      highTrough = Math.max(highTrough, this.troughBytes[slot]);
      highPeak = Math.max(highPeak, this.peakBytes[slot]);
    }
    const first = this.troughTime[(this.count - RECENT_TEETH) & TEETH_MASK];
    const last = this.troughTime[(this.count - 1) & TEETH_MASK];
    const period = (last - first) / (RECENT_TEETH - 1);
    const recent = now - last <= 2 * period + MIN_RISE_TIME_SEC;
    return recent && highTrough - lowTrough < levelShare * minRise && lastBytes <= highPeak + (highPeak - lowTrough);
  }

  /**
   * Trend of the teeth's troughs from `windowStart` on (at most 32, at least 6): Mann–Kendall Z
   * and the resistant rise. Teeth shorter than a bucket hide a ratchet from bucket minima. The
   * answer is kept in `cache` (one per scale and window kind) until the troughs in the window
   * change: a tooth every few buckets, while the test is quadratic in the troughs.
   */
  trend(windowStart: number, cache: TeethTrend): TeethTrend {
    const oldest = Math.max(0, this.count - Math.min(TEETH_CAPACITY, MAX_TROUGHS_TESTED));
    let first = this.count;
    while (first > oldest && this.troughTime[(first - 1) & TEETH_MASK] >= windowStart) first--;
    if (cache.first === first && cache.end === this.count) return cache;
    cache.first = first;
    cache.end = this.count;
    cache.z = 0;
    cache.rise = 0;
    cache.lastHighAt = -Infinity;
    cache.levelling = false;
    const m = this.count - first;
    if (m < MIN_TROUGHS_TESTED) return cache;
    const troughs = this.troughs;
    for (let i = 0; i < m; i++) troughs[i] = this.troughBytes[(first + i) & TEETH_MASK];
    const z = mannKendallZ(mannKendallS(troughs, 0, m), m);
    if (z <= 0) return cache;
    const third = Math.max(1, Math.floor(m / 3));
    const rise = medianOf(troughs, m - third, m, this.scratch) - medianOf(troughs, 0, third, this.scratch);
    // when the troughs last made a new high (anchored, as for the floors)
    const epsilon = Math.max(MIB, 0.05 * Math.max(rise, 0));
    let anchor = troughs[0];
    let lastHighAt = this.troughTime[first & TEETH_MASK];
    for (let i = 1; i < m; i++) {
      if (troughs[i] > anchor + epsilon) {
        anchor = troughs[i];
        lastHighAt = this.troughTime[(first + i) & TEETH_MASK];
      }
    }
    cache.z = z;
    cache.rise = rise;
    cache.lastHighAt = lastHighAt;
    // A working set filling up (longer inputs, fragmentation following bigger work) pins less
    // at every tooth and comes to rest; a ratchet pins about as much at the last teeth as at the first.
    const early = troughs[third] - troughs[0];
    const late = troughs[m - 1] - troughs[m - 1 - third];
    cache.levelling = early > 0 && late < LEVEL_OFF_SHARE * early;
    return cache;
  }

  /**
   * Mann–Kendall Z of the troughs since the peaks first came within CEILING_SHARE of their
   * highest (over the last MAX_TEETH_UNDER_CEILING teeth); NaN with fewer than
   * MIN_TROUGHS_TESTED teeth since then, or when most peaks since then were further below.
   * Only teeth that drop at least BIG_TOOTH_SHARE of the biggest drop count, and the Z is 0
   * unless the troughs rise from one tooth to the next at STEADY_RISE_SHARE of the teeth. A sawtooth under a fixed ceiling reached it long ago
   * and its troughs since then wander; a ratchet's peaks keep setting the ceiling, or its
   * troughs climb under it. Cached until the next tooth.
   */
  underCeilingZ(): number {
    if (this.ceilingZAt === this.count) return this.ceilingZ;
    this.ceilingZAt = this.count;
    this.ceilingZ = NaN;
    this.ceilingTime = NaN;
    const oldest = Math.max(0, this.count - Math.min(TEETH_CAPACITY, MAX_TEETH_UNDER_CEILING));
    let ceiling = -Infinity;
    let biggestDrop = 0;
    for (let k = oldest; k < this.count; k++) {
      ceiling = Math.max(ceiling, this.peakBytes[k & TEETH_MASK]);
      biggestDrop = Math.max(biggestDrop, this.drop[k & TEETH_MASK]);
    }
    // only the big teeth: noise on a climb makes small ones whose troughs are points of the climb
    const big = BIG_TOOTH_SHARE * biggestDrop;
    this.bigDrop = big;
    let first = oldest;
    while (first < this.count && (this.drop[first & TEETH_MASK] < big || this.peakBytes[first & TEETH_MASK] < CEILING_SHARE * ceiling)) first++;
    const troughs = this.troughs;
    let m = 0;
    let pinned = 0;
    for (let k = first; k < this.count; k++) {
      const slot = k & TEETH_MASK;
      if (this.drop[slot] < big) continue;
      troughs[m++] = this.troughBytes[slot];
      if (this.peakBytes[slot] >= CEILING_SHARE * ceiling) pinned++;
    }
    if (m < MIN_TROUGHS_TESTED || pinned < CEILING_PINNED_SHARE * m) return this.ceilingZ;
    this.ceilingTime = this.troughTime[first & TEETH_MASK];
    // A wandering trough (a random walk) trends over any stretch now and then, up as often as
    // down from one tooth to the next; troughs that climb tooth after tooth rise at nearly every one.
    let rises = 0;
    for (let i = 1; i < m; i++) if (troughs[i] > troughs[i - 1]) rises++;
    this.ceilingZ = rises >= STEADY_RISE_SHARE * (m - 1) ? mannKendallZ(mannKendallS(troughs, 0, m), m) : 0;
    return this.ceilingZ;
  }

  /** When the ceiling of underCeilingZ was first reached (the trough after that peak); NaN when it has none. */
  get ceilingSince(): number {
    this.underCeilingZ();
    return this.ceilingTime;
  }

  /** How many of the teeth underCeilingZ counts (the big ones) have their troughs from `windowStart` on. */
  bigTeethSince(windowStart: number): number {
    this.underCeilingZ();
    let teeth = 0;
    const oldest = Math.max(0, this.count - TEETH_CAPACITY);
    for (let k = this.count - 1; k >= oldest; k--) {
      const slot = k & TEETH_MASK;
      if (this.troughTime[slot] < windowStart) break;
      if (this.drop[slot] >= this.bigDrop) teeth++;
    }
    return teeth;
  }

  /** The teeth whose troughs lie from `windowStart` on: how many, their drops, and (`withSlope`) the troughs' slope. */
  since(windowStart: number, withSlope: boolean): TeethSummary {
    const times: number[] = [];
    const troughs: number[] = [];
    let dropTotal = 0;
    let teeth = 0;
    const oldest = Math.max(0, this.count - TEETH_CAPACITY);
    for (let k = this.count - 1; k >= oldest; k--) {
      const slot = k & TEETH_MASK;
      if (this.troughTime[slot] < windowStart) break;
      // the slope needs only the recent teeth: Theil–Sen is quadratic in their number
      if (times.length < MAX_TEETH_FOR_SLOPE) {
        times.push(this.troughTime[slot]);
        troughs.push(this.troughBytes[slot]);
      }
      teeth++;
      dropTotal += this.drop[slot];
    }
    times.reverse();
    troughs.reverse();
    const troughSlope = withSlope && times.length >= 3 ? theilSenSlope(times, troughs, times.length) : undefined;
    return { teeth, dropTotal, troughSlope };
  }
}
