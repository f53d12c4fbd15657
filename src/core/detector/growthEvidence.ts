import { mannKendallZ, medianOf } from '../stats';
import { returnsToBase } from './baseReturns';
import { NO_GROWTH, type EvaluationRecord, type LevelEvaluation } from './levelEvaluation';
import type { TeethTracker, TeethTrend } from './teethTracker';
import type { TimeScale } from './timeScale';
import * as thresholds from './thresholds';

// Local copies: a module that runs from source (tests, under tsx) reads an imported binding
// through a getter, a call per read in the hot loops.
const {
  BASE_RETURN_SHARE,
  LEVEL_SHARE,
  MIB,
  MIN_POINTS,
  MIN_RISE_BYTES,
  MIN_RISE_FRACTION,
  MIN_RISE_TIME_BUCKETS,
  MIN_RISE_TIME_SEC,
  MIN_TROUGHS_TESTED,
  ONGOING_SHARE_HOLD,
  PAUSE_MIN_BUCKETS,
  ONGOING_SHARE_RAISE,
  REST_LEVEL_SHARE,
  REST_MIN_BUCKETS,
  RISE_TO_SCATTER,
  WINDOW,
  Z_HOLD,
  Z_RAISE,
} = thresholds;

/**
 * Whether a time scale's floors (and the teeth's troughs inside its window) show growth: the
 * trend tests, the resistant line, the rise, how recent the last new high is, and the checks
 * that tell a ratchet from a sawtooth that keeps coming back down.
 */
export class GrowthEvidence {
  private readonly scratch = new Float64Array(WINDOW);
  private readonly residuals = new Float64Array(WINDOW);
  /** What findStartupRest found: fields, not a fresh object per evaluation of a climbing scale. */
  private restTop = -Infinity;
  private restEnd = 0;
  /** The highest floor of the latest long pause in the window (see PAUSE_MIN_BUCKETS), or -Infinity. */
  private pauseTop = -Infinity;

  constructor(private readonly teeth: TeethTracker) {}

  evaluate(scale: TimeScale, now: number, lastBytes: number): LevelEvaluation {
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
    if (z < needed && segmentZ < Z_RAISE && this.teeth.trend(windowStart, scale.windowTeeth).z < needed) return NO_GROWTH;
    const whole = this.growthEvidence(scale, 0, z, now, lastBytes, !scale.alarmed, scale.wholeRecord);
    if (!segmented || (scale.alarmed && whole.growingHold)) return whole;
    const segment = this.growthEvidence(scale, segmentOffset, segmentZ, now, lastBytes, true, scale.segmentRecord);
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
   * `floorZ` the Mann–Kendall Z of those floors and `lastBytes` the latest sample. With `raising` false only whether growth
   * holds is worked out; the raise conditions are checked cheapest first.
   */
  private growthEvidence(
    scale: TimeScale,
    from: number,
    floorZ: number,
    now: number,
    lastBytes: number,
    raising: boolean,
    into: EvaluationRecord,
  ): LevelEvaluation {
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
      const teeth = this.teeth.trend(windowStart, from === 0 ? scale.windowTeeth : scale.segmentTeeth);
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
    const teethTrend = from === 0 ? scale.windowTeeth : scale.segmentTeeth;
    if (raising && (z < Z_RAISE || this.comesBack(teethTrend, windowStart, now, lastBytes, minRiseFloor, 0.5))) return NO_GROWTH;
    if (!raising && this.comesBack(teethTrend, windowStart, now, lastBytes, minRiseFloor, 0.25)) return NO_GROWTH;
    if (this.underCeiling(scale, raising ? Z_RAISE : Z_HOLD)) return NO_GROWTH;
    // the whole window, also when the evidence is a climb since the last fall
    if (returnsToBase(this.teeth, scale.mids[scale.head] - scale.width / 2, now, lastBytes, minRiseFloor, raising ? BASE_RETURN_SHARE : BASE_RETURN_SHARE / 2)) return NO_GROWTH;
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
    const growingHold = rise >= minRise / 2 && sinceHigh <= Math.max(ONGOING_SHARE_HOLD * span, 4 * scale.width) && !this.levelLately(floors, first, end);
    if (!raising || !growingHold || rise < minRise || sinceHigh > Math.max(ONGOING_SHARE_RAISE * span, 2 * scale.width)) {
      return into.set(growingHold, false, baseline, rise, slope, windowStart);
    }
    // After a start-up that came to rest, the growth is what rose from its plateau; after a long
    // pause, it must rise the whole least growth above the pause.
    this.findRests(scale, first, end);
    const { restTop, restEnd, pauseTop } = this;
    const riseFrom = Math.max(baseline, restTop);
    // Rise time from 25 % to 75 % of the floor's extent.
    const low = riseFrom + 0.25 * (maxFloor - riseFrom);
    const high = riseFrom + 0.75 * (maxFloor - riseFrom);
    let lowAt = NaN;
    let highAt = NaN;
    for (let i = restEnd; i < end; i++) {
      if (Number.isNaN(lowAt) && floors[i] >= low) lowAt = mids[i];
      if (floors[i] >= high) {
        highAt = mids[i];
        break;
      }
    }
    const riseTime = highAt - lowAt;
    const growingRaise =
      riseTime >= Math.max(MIN_RISE_TIME_SEC, MIN_RISE_TIME_BUCKETS * scale.width) &&
      !this.comesBack(teethTrend, windowStart, now, lastBytes, minRise, 0.5) &&
      maxFloor - restTop >= Math.max(MIN_RISE_BYTES, MIN_RISE_FRACTION * restTop) &&
      maxFloor - pauseTop >= Math.max(MIN_RISE_BYTES, MIN_RISE_FRACTION * pauseTop) &&
      (teethRise > 0 || (maxFloor >= scale.startupPeak + LEVEL_SHARE * minRise && this.clearOfScatter(first, end, scale, baseline, top, tLeft, tRight, rise)));
    return into.set(growingHold, growingRaise, baseline, rise, slope, windowStart);
  }

  /**
   * Finds the plateau a start-up came to rest on, if the window holds one (see REST_LEVEL_SHARE):
   * sets `restTop` to its highest floor and `restEnd` to the index after it, or -Infinity and
   * `first`. The climb up to it was the start-up's; growth after it is a fresh climb from a level.
   * Also finds the latest long pause anywhere in the window (PAUSE_MIN_BUCKETS): `pauseTop` is its
   * highest floor, or -Infinity. Every start is extended as far as the floors stay level: O(n²)
   * on at most WINDOW floors, and only when everything else says raise.
   */
  private findRests(scale: TimeScale, first: number, end: number): void {
    this.restTop = -Infinity;
    this.restEnd = first;
    this.pauseTop = -Infinity;
    let pauseEnd = first;
    const ended = scale.startupEndedAt;
    const floors = scale.mins;
    const mids = scale.mids;
    const longEnough = Math.max(MIN_RISE_TIME_SEC, MIN_RISE_TIME_BUCKETS * scale.width);
    for (let start = first; start < end; start++) {
      const early = mids[start] < ended;
      let low = floors[start];
      let high = low;
      let next = start + 1;
      for (; next < end; next++) {
        const lower = Math.min(low, floors[next]);
        const higher = Math.max(high, floors[next]);
        if (higher - lower >= REST_LEVEL_SHARE * Math.max(MIN_RISE_BYTES, MIN_RISE_FRACTION * lower)) break;
        low = lower;
        high = higher;
      }
      if (next - start >= PAUSE_MIN_BUCKETS && (next > pauseEnd || (next === pauseEnd && high > this.pauseTop))) {
        this.pauseTop = high;
        pauseEnd = next;
      }
      if (!early) continue;
      const lasts = next - start >= REST_MIN_BUCKETS && mids[next - 1] - mids[start] + scale.width >= longEnough;
      if (lasts && (next > this.restEnd || (next === this.restEnd && high > this.restTop))) {
        this.restTop = high;
        this.restEnd = next;
      }
    }
  }

  /**
   * Whether the floors have been level for the last half of the window: the median of its last
   * quarter has not risen above the median of the quarter before its middle by what holding an
   * alarm needs (LEVEL_SHARE of the least growth that counts, from that middle level). A plateau
   * after a start-up or a warm-up is that; a staircase climbs a step in any half window of a
   * scale coarse enough to see its steps.
   */
  private levelLately(floors: Float64Array, first: number, end: number): boolean {
    const quarter = Math.floor((end - first) / 4);
    if (quarter < MIN_POINTS / 2) return false;
    const recent = medianOf(floors, end - quarter, end, this.scratch);
    const middle = medianOf(floors, first + quarter, first + 2 * quarter, this.scratch);
    return recent - middle < LEVEL_SHARE * Math.max(MIN_RISE_BYTES, MIN_RISE_FRACTION * middle);
  }

  /**
   * Whether the process keeps coming back down (see TeethTracker.withinRecentTeeth): its last
   * teeth's troughs are level within `levelShare` of `minRise`. Not when the troughs climb
   * tooth after tooth over the window (a significant trend of at least `minRise`): each step
   * between two teeth can be far below what counts while the steps add up to growth (a trimmed
   * allocator whose kept data pins a few pages more at every tooth), unless that climb levels
   * off (TeethTrend.levelling: a working set coming to rest). Checked only when the last
   * teeth look level, so the trend test (cached per window) runs rarely.
   */
  private comesBack(cache: TeethTrend, windowStart: number, now: number, lastBytes: number, minRise: number, levelShare: number): boolean {
    if (!this.teeth.withinRecentTeeth(now, lastBytes, minRise, levelShare)) return false;
    const troughs = this.teeth.trend(windowStart, cache);
    return !(troughs.z >= Z_RAISE && troughs.rise >= minRise && !troughs.levelling);
  }

  /**
   * A sawtooth under a fixed ceiling (a loop that sizes its batches to a memory budget): its
   * peaks have stayed at a ceiling since early in the window (see TeethTracker.underCeilingZ)
   * and its troughs since then have no trend (below `needed`). That is not a ratchet, whatever
   * its floors did lately: the troughs can wander up for a while as the teeth shorten under the
   * ceiling. A ratchet keeps passing the ceiling, or its troughs climb under it; a ceiling first
   * reached late in the window says nothing yet, nor does a window too short to hold several
   * of the teeth (a scale that sees one long tooth's climb judges that climb).
   */
  private underCeiling(scale: TimeScale, needed: number): boolean {
    const z = this.teeth.underCeilingZ();
    if (!(z < needed)) return false;
    // the whole window, also when the evidence is a climb since the last fall
    const windowStart = scale.mids[scale.head] - scale.width / 2;
    const span = scale.mids[scale.head + scale.count - 1] + scale.width / 2 - windowStart;
    return this.teeth.ceilingSince <= windowStart + 0.25 * span && this.teeth.bigTeethSince(windowStart) >= MIN_TROUGHS_TESTED;
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
}
