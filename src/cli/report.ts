import type { Verdict } from '../core/detector/types';
import { describeVerdict, formatBytes, formatDuration } from '../core/format';
import type { MemoryLimit } from '../core/limits';
import { describeLimitSource } from '../core/limits';

/** The JSON contract of `analyze`, `run` and `watch` (`--json`): other tools parse it. */
export function verdictJson(verdict: Verdict, limit: MemoryLimit | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pattern: verdict.pattern,
    alarm: verdict.alarm,
    alarmed: verdict.firstAlarmAt !== null,
    firstAlarmAt: verdict.firstAlarmAt,
    lastAlarmPattern: verdict.lastAlarmPattern,
    troughSlopeBytesPerSec: Math.round(verdict.troughSlopeBytesPerSec),
    teeth: verdict.teeth,
    growthBytes: Math.round(verdict.growthBytes),
    baselineBytes: verdict.baselineBytes === null ? null : Math.round(verdict.baselineBytes),
    peakBytes: verdict.peakBytes,
    lastBytes: verdict.lastBytes,
    samples: verdict.samples,
    durationSec: verdict.startTime === null || verdict.lastTime === null ? 0 : Number((verdict.lastTime - verdict.startTime).toFixed(3)),
    timescaleSec: verdict.timescaleSec,
    limit: limit && { bytes: limit.bytes, source: limit.source },
    forecast: {
      limitBytes: verdict.forecast.limitBytes,
      secondsToLimit: verdict.forecast.secondsToLimit === null ? null : Number(verdict.forecast.secondsToLimit.toFixed(1)),
      reachesLimitAt: verdict.forecast.reachesLimitAt === null ? null : Number(verdict.forecast.reachesLimitAt.toFixed(1)),
    },
    ...extra,
  };
}

export function verdictText(verdict: Verdict, limit: MemoryLimit | null): string {
  const duration = verdict.startTime === null || verdict.lastTime === null ? 0 : verdict.lastTime - verdict.startTime;
  const lines = [`verdict: ${describeVerdict(verdict)}`];
  lines.push(
    `  peak ${formatBytes(verdict.peakBytes)}, last ${formatBytes(verdict.lastBytes)}, ${verdict.samples} samples over ${formatDuration(duration)}`,
  );
  if (verdict.firstAlarmAt !== null) lines.push(`  first alarm at ${verdict.firstAlarmAt.toFixed(1)} s`);
  if (verdict.pattern !== 'flat') {
    lines.push(`  trough slope ${formatBytes(verdict.troughSlopeBytesPerSec, true)}/s, growth ${formatBytes(verdict.growthBytes, true)}`);
  }
  if (limit) {
    const eta = verdict.forecast.secondsToLimit;
    lines.push(
      `  limit ${formatBytes(limit.bytes)} (${describeLimitSource(limit.source)})` +
        (eta === null ? '' : eta === 0 ? ': reached' : `: reached in about ${formatDuration(eta)} at this slope`),
    );
  }
  return lines.join('\n') + '\n';
}
