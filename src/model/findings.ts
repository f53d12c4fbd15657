// The panel's findings: one per alarmed series, in plain words, with the forecast. Pure.

import type { Verdict } from '../core/detector/types';
import { formatBytes, formatDuration, likelyCause } from '../core/format';
import { describeLimitSource, type MemoryLimit } from '../core/limits';
import type { Finding } from '../shared/protocol';

export interface FindingSubject {
  readonly seriesId: string;
  readonly label: string;
  readonly limit: MemoryLimit;
}

/** The finding for a verdict, or undefined while the detector does not alarm. */
export function findingOf(subject: FindingSubject, verdict: Verdict): Finding | undefined {
  if (!verdict.alarm) return undefined;
  const timescale = verdict.timescaleSec ?? 0;
  return {
    key: subject.seriesId,
    title: `${subject.label}: ${verdict.pattern}`,
    detail:
      `troughs climbed ${formatBytes(verdict.growthBytes)} within ${formatDuration(timescale)}` +
      `${verdict.teeth > 0 ? ` over ${verdict.teeth} teeth` : ''}: ${likelyCause(verdict.pattern)}`,
    forecast:
      verdict.forecast.secondsToLimit === null
        ? null
        : `reaches ${formatBytes(subject.limit.bytes)} (${describeLimitSource(subject.limit.source)}) in about ${formatDuration(verdict.forecast.secondsToLimit)}`,
    actions: [],
  };
}
