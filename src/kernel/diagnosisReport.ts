// What a diagnosis means for the user: a breakdown in MB and the one action that helps. Pure.

import { countOf, formatBytes } from '../core/format';
import type { LedgerEntry } from './cellLedger';
import type { Diagnosis, MemoryComponent } from './kernelBridge';
import type { LiveData } from './liveData';

export type RecommendedAction = 'insert-collect' | 'insert-trim' | 'display-instead-of-cache' | 'clear-output-cache' | 'look-at-variables';

export interface DiagnosisReport {
  readonly headline: string;
  readonly rows: ReadonlyArray<{ readonly component: MemoryComponent; readonly label: string; readonly bytes: number }>;
  readonly actions: readonly RecommendedAction[];
  /** What holds the live data (the ten largest holders), when the kernel measured it. */
  readonly liveData: LiveData | null;
}

const LABELS: Record<MemoryComponent, string> = {
  'cyclic-garbage': 'Cyclic garbage (freed by gc.collect)',
  'allocator-retention': 'Allocator retention (returned by malloc_trim)',
  'output-cache': "IPython's output cache (Out, _)",
  'live-data': 'Live data (your variables, modules, interpreter)',
};

export function describeDiagnosis(notebookName: string, d: Diagnosis): DiagnosisReport {
  const rows = [
    { component: 'cyclic-garbage' as const, label: LABELS['cyclic-garbage'], bytes: d.cyclicGarbageBytes },
    { component: 'allocator-retention' as const, label: LABELS['allocator-retention'], bytes: d.allocatorRetentionBytes },
    { component: 'output-cache' as const, label: LABELS['output-cache'], bytes: d.outputCacheBytes },
    { component: 'live-data' as const, label: LABELS['live-data'], bytes: d.liveDataBytes },
  ];
  const released = d.cyclicGarbageBytes + d.allocatorRetentionBytes;
  let headline: string;
  let actions: RecommendedAction[];
  switch (d.dominant) {
    case 'cyclic-garbage':
      headline = `${notebookName}: ${formatBytes(d.cyclicGarbageBytes)} was cyclic garbage (now freed). Add gc.collect() to the loop that makes it.`;
      actions = ['insert-collect'];
      break;
    case 'allocator-retention':
      headline = `${notebookName}: malloc kept ${formatBytes(d.allocatorRetentionBytes)} of freed memory (now returned). Add a guarded malloc_trim to the loop.`;
      actions = ['insert-trim'];
      break;
    case 'output-cache':
      headline = `${notebookName}: ${countOf(d.outputCacheEntries, 'cached output')} ${d.outputCacheEntries === 1 ? 'keeps' : 'keep'} ${formatBytes(d.outputCacheBytes)} alive. Use display() instead of a bare last expression, or clear the cache.`;
      actions = ['display-instead-of-cache', 'clear-output-cache'];
      break;
    default:
      headline = `${notebookName}: ${formatBytes(d.rssAfterBytes)} is live data${released > 0 ? ` (${formatBytes(released)} released)` : ''}. ${largestHolders(d.liveData)}`;
      actions = ['look-at-variables'];
  }
  return { headline, rows, actions, liveData: d.liveData };
}

/** "The largest: df (400 MB), frames (80 MB)." — or the old advice when nothing was measured. */
function largestHolders(liveData: LiveData | null): string {
  const owners = (liveData?.holders ?? []).filter((holder) => holder.bytes >= 1024 * 1024).slice(0, 3);
  if (owners.length === 0) return 'Look at your variables.';
  return `The largest: ${owners.map((holder) => `${holder.name} (${formatBytes(holder.bytes)})`).join(', ')}.`;
}

/** The message after "Clear Output Cache", local or over a server: "Cleared 1 cached output (it held 100 MB)." */
export function describeClearedCache(result: { freedEntries: number; heldBytesBefore: number }): string {
  return `Cleared ${countOf(result.freedEntries, 'cached output')} (${result.freedEntries === 1 ? 'it' : 'they'} held ${formatBytes(result.heldBytesBefore)}).`;
}

/** Text for a cell's status bar: "+412 MB retained", "−80 MB", "peak 1.2 GB". */
export function describeLedgerEntry(entry: LedgerEntry): { text: string; tooltip: string } | undefined {
  if (entry.retainedBytes === null || entry.endBytes === null) return undefined;
  const retained = entry.retainedBytes;
  const text = Math.abs(retained) < 1024 * 1024 ? `$(pulse) ±0 MB` : `$(pulse) ${formatBytes(retained, true)} retained`;
  const tooltip =
    `Kernel memory for this run: ${formatBytes(entry.startBytes)} at start, ` +
    `peak ${formatBytes(entry.peakBytes)}, ${formatBytes(entry.endBytes)} at end.`;
  return { text, tooltip };
}

export interface AutoReleasePolicy {
  readonly enabled: boolean;
  /** Release only after a cell that retained at least this much. */
  readonly thresholdBytes: number;
  /** Never more often than this (each trim costs time). */
  readonly minIntervalMs: number;
}

export function shouldAutoRelease(policy: AutoReleasePolicy, entry: LedgerEntry, lastReleaseAt: number | undefined, now: number): boolean {
  if (!policy.enabled || entry.retainedBytes === null || entry.outcome === 'running') return false;
  if (entry.retainedBytes < policy.thresholdBytes) return false;
  return lastReleaseAt === undefined || now - lastReleaseAt >= policy.minIntervalMs;
}
