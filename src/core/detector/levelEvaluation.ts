// What one evaluation of a time scale found, and the reusable record it is written into.

/** The evaluation of a scale without evidence of growth (shared: it is the common case). */
export const NO_GROWTH: LevelEvaluation = Object.freeze({ growingHold: false, growingRaise: false, baseline: NaN, rise: 0, slope: 0, windowStart: NaN });

export interface LevelEvaluation {
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
export class EvaluationRecord implements LevelEvaluation {
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
