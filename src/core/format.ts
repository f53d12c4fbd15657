import type { Pattern, Verdict } from './detector/types';
import { PATTERNS } from './causes';
import type { MemoryMeasure } from './pssEstimator';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Binary multiples with the short names users see in task managers: 1.42 GB, 512 MB. */
export function formatBytes(bytes: number, signed = false): string {
  const sign = bytes < 0 ? '-' : signed ? '+' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${sign}${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** Which measure a figure is, in a few words (the gauge's tooltip, the panel). */
export function measureLabel(measure: MemoryMeasure): string {
  return measure === 'pss' ? 'PSS of the tree' : 'RSS';
}

/** "1 cached output", "4 cached outputs": a count with its noun in the right number. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '∞';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

/** The arrow a gauge shows: up when growing, steeper when alarmed. */
export function trendArrow(verdict: Pick<Verdict, 'pattern' | 'alarm'>): string {
  if (verdict.pattern === 'flat') return '→';
  return verdict.alarm ? '↑' : '↗';
}

/** What a pattern most likely means, in the words the findings list and the CLI use. */
export function likelyCause(pattern: Pattern): string {
  return PATTERNS[pattern].likelyCause;
}

export function describeVerdict(verdict: Verdict): string {
  if (verdict.pattern === 'flat' && !verdict.alarm) {
    return verdict.firstAlarmAt === null
      ? 'flat: no sustained growth'
      : `flat now; it alarmed at ${verdict.firstAlarmAt.toFixed(1)} s (${verdict.lastAlarmPattern ?? 'growth'}) and recovered`;
  }
  const parts = [`${verdict.pattern}${verdict.alarm ? ' (ALARM)' : ''}`];
  if (verdict.growthBytes > 0 && verdict.timescaleSec !== null) parts.push(`troughs ${formatBytes(verdict.growthBytes, true)}`);
  if (verdict.teeth > 0) parts.push(`${verdict.teeth} teeth`);
  return `${parts.join(', ')}: ${likelyCause(verdict.pattern)}`;
}
