import { medianOf } from '../stats';
import { classifyGrowth } from './classification';
import { forecastLimit, noForecast } from './forecast';
import { GrowthEvidence } from './growthEvidence';
import { NO_GROWTH, type LevelEvaluation } from './levelEvaluation';
import { RateHistogram } from './rateHistogram';
import { TeethTracker } from './teethTracker';
import { TimeScale } from './timeScale';
import * as thresholds from './thresholds';
import type { DetectorOptions, Pattern, Verdict } from './types';

// Local copies: a module that runs from source (tests, under tsx) reads an imported binding
// through a getter, a call per read in the hot loops.
const {
  CLEAR_AFTER_SEC,
  CLEAR_CONFIRMATIONS,
  MAX_LEVELS,
  RAISE_CONFIRMATIONS,
  RATE_BINS,
  STARTUP_ALLOWANCE_BYTES,
  STARTUP_SEC,
  WINDOW,
} = thresholds;

interface Analysis {
  readonly pattern: Pattern;
  readonly slope: number;
  readonly teeth: number;
  readonly growthBytes: number;
  readonly baselineBytes: number | null;
  readonly scale: TimeScale | undefined;
}

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
  /** When the watched process started (trace time): its first STARTUP_SEC are its start-up. */
  private processStart: number;
  /** Whether the start-up is still exempt: young, with every floor under the allowance so far. */
  private startingUp = true;
  private lastTime = -Infinity;
  private lastBytes = 0;
  private peakBytes = 0;
  private firstAlarmAt: number | null = null;
  private alarmedScales = 0;
  private lastAlarmPattern: Pattern | null = null;
  private candidatePattern: Pattern | null = null;
  private readonly teeth = new TeethTracker();
  private readonly rates = new RateHistogram();
  private readonly evidence = new GrowthEvidence(this.teeth);
  private readonly scratch = new Float64Array(WINDOW);
  /** The costly part of the verdict, valid until the next bucket is evaluated. */
  private cachedAnalysis: Analysis | undefined;
  /** Verdicts are cheap to read after every sample: the analysis behind them changes per bucket. */
  private cachedVerdict: Verdict | undefined;

  constructor(options: DetectorOptions = {}) {
    this.limitBytes = options.limitBytes ?? null;
    this.processStart = options.processStartTime ?? NaN;
  }

  setLimit(limitBytes: number | null): void {
    this.limitBytes = limitBytes;
    this.cachedVerdict = undefined;
  }

  /** Feeds one sample. Samples older than the previous one are ignored (the caller validates traces). */
  push(t: number, bytes: number): void {
    if (!(t >= this.lastTime) || !Number.isFinite(bytes)) return;
    this.cachedVerdict = undefined;
    if (this.samples === 0) {
      this.startTime = t;
      if (Number.isNaN(this.processStart)) this.processStart = t;
      this.teeth.start(t, bytes);
    }
    this.samples++;
    this.lastTime = t;
    this.lastBytes = bytes;
    if (bytes > this.peakBytes) this.peakBytes = bytes;
    this.teeth.update(t, bytes);
    const scale = this.scales[0];
    if (scale.openCount > 0 && t >= scale.openStart + scale.width) this.closeBucket(scale, t);
    this.rates.add(t, bytes);
    // the finest scale's open bucket, inline: this runs for every sample
    if (scale.openCount === 0) {
      this.addToScale(0, t, bytes, bytes, t, this.rates.totals, 0);
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
      if (this.scales.length === scale.level + 1) {
        // a coarser scale created after the start-up takes the finer one's start-up peak
        const coarser = new TimeScale(scale.level + 1);
        if (!this.startingUp) {
          coarser.startupPeak = scale.startupPeak;
          coarser.startupEndedAt = scale.startupEndedAt;
        }
        this.scales.push(coarser);
      }
      this.addToScale(scale.level + 1, openStart, openMin, openMax, now, scale.snapshots, slot * RATE_BINS);
    }
  }

  /** Evaluates a scale that just closed a bucket, and raises or clears its alarm with hysteresis. */
  private evaluate(scale: TimeScale, now: number): void {
    this.cachedAnalysis = undefined;
    if (this.startingUp) this.trackStartup(scale, now);
    const evaluation = this.startingUp ? NO_GROWTH : this.evidence.evaluate(scale, now, this.lastBytes);
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

  /**
   * While the process starts up (see STARTUP_SEC), each scale keeps its highest floor. A floor past
   * the allowance ends the start-up without an exemption; its age ends it keeping the peaks.
   */
  private trackStartup(scale: TimeScale, now: number): void {
    const floor = scale.mins[scale.head + scale.count - 1];
    if (scale.level === 0 && floor >= STARTUP_ALLOWANCE_BYTES) {
      this.startingUp = false;
      for (const each of this.scales) each.startupPeak = -Infinity;
    } else if (scale.level === 0 && now - this.processStart >= STARTUP_SEC) {
      this.startingUp = false;
      // a scale that closed no bucket of the start-up takes the finer one's peak
      for (let level = 0; level < this.scales.length; level++) {
        const each = this.scales[level];
        if (level > 0 && each.startupPeak === -Infinity) each.startupPeak = this.scales[level - 1].startupPeak;
        each.startupEndedAt = now;
      }
    } else if (floor > scale.startupPeak) {
      scale.startupPeak = floor;
    }
  }

  private classify(scale: TimeScale, evaluation: LevelEvaluation): Pattern {
    return classifyGrowth(scale, evaluation, this.teeth, this.rates);
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
      forecast:
        analysis.scale && this.samples > 0
          ? forecastLimit(this.limitBytes, analysis.slope, analysis.scale, this.lastBytes, this.lastTime)
          : noForecast(this.limitBytes),
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
    const { teeth, troughSlope } = this.teeth.since(evaluation.windowStart, true);
    return {
      pattern: alarm && this.lastAlarmPattern ? this.lastAlarmPattern : this.classify(scale, evaluation),
      slope: troughSlope ?? this.floorSlope(scale),
      teeth,
      growthBytes: Math.max(0, evaluation.rise),
      baselineBytes: evaluation.baseline,
      scale,
    };
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
}
