import type { LevelEvaluation } from './levelEvaluation';
import type { RateHistogram } from './rateHistogram';
import type { TeethTracker } from './teethTracker';
import type { TimeScale } from './timeScale';
import * as thresholds from './thresholds';
import type { Pattern } from './types';

// Local copies: a module that runs from source (tests, under tsx) reads an imported binding
// through a getter, a call per read in the hot loops.
const { SAWTOOTH_MIN_DROP_SHARE, SAWTOOTH_MIN_TEETH } = thresholds;

/**
 * The shape of a growth a scale found: a sawtooth returns a good share of each tooth's climb,
 * a staircase spends its time on plateaus, anything else is a steady climb.
 */
export function classifyGrowth(scale: TimeScale, evaluation: LevelEvaluation, teeth: TeethTracker, rates: RateHistogram): Pattern {
  const { teeth: count, dropTotal } = teeth.since(evaluation.windowStart, false);
  const upTotal = dropTotal + Math.max(evaluation.rise, 0);
  if (count >= SAWTOOTH_MIN_TEETH && upTotal > 0 && dropTotal / upTotal >= SAWTOOTH_MIN_DROP_SHARE) return 'sawtooth-ratchet';
  return rates.isStaircase(scale.snapshots, scale.snapshotBase, evaluation.slope) ? 'staircase' : 'steady-growth';
}
