// When a watched kernel disappears: was it killed for memory? Pure: the caller reads the
// cgroup's OOM-kill counter (limits.readOomKillCount) before and after, and passes what it knows.

import { formatBytes } from '../core/format';
import { describeLimitSource, type MemoryLimit } from '../core/limits';

export interface KernelDeath {
  readonly notebookName: string;
  readonly lastRssBytes: number;
  /** The highest RSS seen in the last seconds before it vanished. */
  readonly recentPeakBytes: number;
  readonly limit: MemoryLimit;
  /** The cgroup's oom_kill counter when watching began (or at the previous death) and now. */
  readonly oomKillsBefore?: number;
  readonly oomKillsAfter?: number;
  /** How it exited, when known (a kernel the Jupyter extension shut down is not a death). */
  readonly signal?: string | null;
  readonly runningCell?: { label: string; executionOrder: number | null };
}

export interface PostMortem {
  readonly likelyOutOfMemory: boolean;
  readonly evidence: 'oom-kill-counter' | 'near-limit' | 'none';
  readonly message: string;
}

/**
 * A kernel killed by the OOM killer vanishes between two samples with SIGKILL; its last sample
 * is near the limit (the killer acts at the limit, and RSS at 4 Hz lags a fast climb by at most
 * a quarter second of allocation). 90 % of the limit is the share the gauge calls critical.
 */
const NEAR_LIMIT_SHARE = 0.9;

export function assessKernelDeath(death: KernelDeath): PostMortem {
  const counterRose = death.oomKillsBefore !== undefined && death.oomKillsAfter !== undefined && death.oomKillsAfter > death.oomKillsBefore;
  const peak = Math.max(death.lastRssBytes, death.recentPeakBytes);
  const nearLimit = peak >= NEAR_LIMIT_SHARE * death.limit.bytes;
  const cell = death.runningCell
    ? `, cell ${death.runningCell.executionOrder !== null ? `[${death.runningCell.executionOrder}]` : death.runningCell.label} running`
    : '';
  const figures = `${formatBytes(peak)} of ${formatBytes(death.limit.bytes)} (${describeLimitSource(death.limit.source)})`;
  if (counterRose) {
    return {
      likelyOutOfMemory: true,
      evidence: 'oom-kill-counter',
      message: `Kernel of ${death.notebookName} was killed for memory: the cgroup's oom_kill count rose; last seen at ${figures}${cell}.`,
    };
  }
  if (nearLimit && (death.signal === undefined || death.signal === null || death.signal === 'SIGKILL')) {
    return {
      likelyOutOfMemory: true,
      evidence: 'near-limit',
      message: `Kernel of ${death.notebookName} was likely killed for memory: ${figures}${cell}.`,
    };
  }
  return { likelyOutOfMemory: false, evidence: 'none', message: `Kernel of ${death.notebookName} exited at ${formatBytes(death.lastRssBytes)}${cell}.` };
}
