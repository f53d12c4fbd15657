// Replays points through a fresh detector sample by sample, for the detector's unit tests.
import { GrowthDetector } from '../../../src/core/detector/growthDetector';
import type { DetectorOptions, Verdict } from '../../../src/core/detector/types';
import type { Point } from '../synthetic';

export interface Run {
  verdict: Verdict;
  /** Number of times the alarm switched on or off. */
  flips: number;
  patternsWhileAlarmed: Set<string>;
  /** Times at which the alarm went up. */
  raisedAt: number[];
}

export function analyse(points: Iterable<Point>, limitBytes: number | null = null, options: DetectorOptions = {}): Run {
  const detector = new GrowthDetector({ ...options, limitBytes });
  let flips = 0;
  let alarm = false;
  const patternsWhileAlarmed = new Set<string>();
  const raisedAt: number[] = [];
  for (const point of points) {
    detector.push(point.t, point.rss);
    const verdict = detector.verdict();
    if (verdict.alarm !== alarm) {
      flips++;
      alarm = verdict.alarm;
      if (alarm) raisedAt.push(point.t);
    }
    if (verdict.alarm) patternsWhileAlarmed.add(verdict.pattern);
  }
  return { verdict: detector.verdict(), flips, patternsWhileAlarmed, raisedAt };
}
