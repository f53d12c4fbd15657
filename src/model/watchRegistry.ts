// Which processes the model watches: one entry per series (a notebook's kernel keeps its series
// across restarts), found by series id or by the sampler's process key (`pid:start`). Pure.

import type { BucketedFeed } from '../core/detector/bucketedFeed';
import { describeLimitSource, type MemoryLimit } from '../core/limits';
import type { ProcessView } from '../shared/protocol';

export type ProcessSource = ProcessView['source'];

/** One watched series and the process that feeds it now. */
export interface WatchedProcess {
  readonly seriesId: string;
  /** The sampler's identity of the current process (`pid:start`); a restart changes it. */
  processKey: string;
  pid: number;
  label: string;
  readonly source: ProcessSource;
  resourceUri?: string;
  /** The series' growth detector, fed per closed bucket (see bucketedFeed.ts); the chart gets every sample. */
  detector: BucketedFeed;
  /** Undefined only for a remote kernel that has not replied yet and no override. */
  limit: MemoryLimit | undefined;
  note?: string;
  status?: string;
  /** The tree's figure: its PSS when it has children, else its RSS (`measure` says which). */
  rssBytes: number;
  measure: ProcessView['measure'];
  measureNote: string | null;
  summedRssBytes: number;
  childCount: number;
  exited: boolean;
  wasAlarmed: boolean;
  /** Fed by another source (FedSeries.attach, fedSeries.ts) instead of the local sampler. */
  readonly fed?: boolean;
}

export class WatchRegistry {
  private readonly bySeriesId = new Map<string, WatchedProcess>();
  private readonly byProcessKey = new Map<string, WatchedProcess>();

  get(seriesId: string): WatchedProcess | undefined {
    return this.bySeriesId.get(seriesId);
  }

  ofProcess(processKey: string): WatchedProcess | undefined {
    return this.byProcessKey.get(processKey);
  }

  add(entry: WatchedProcess): void {
    this.bySeriesId.set(entry.seriesId, entry);
    this.byProcessKey.set(entry.processKey, entry);
  }

  /** A new process continues an existing series (a kernel restart). */
  rebind(entry: WatchedProcess, processKey: string): void {
    this.byProcessKey.delete(entry.processKey);
    entry.processKey = processKey;
    this.byProcessKey.set(processKey, entry);
  }

  remove(seriesId: string): WatchedProcess | undefined {
    const entry = this.bySeriesId.get(seriesId);
    if (!entry) return undefined;
    this.bySeriesId.delete(seriesId);
    this.byProcessKey.delete(entry.processKey);
    return entry;
  }

  entries(): IterableIterator<WatchedProcess> {
    return this.bySeriesId.values();
  }

  seriesIds(): IterableIterator<string> {
    return this.bySeriesId.keys();
  }

  isWatchingPid(pid: number): boolean {
    for (const entry of this.byProcessKey.values()) if (entry.pid === pid && !entry.exited) return true;
    return false;
  }

  seriesIdOfPid(pid: number): string | undefined {
    for (const entry of this.byProcessKey.values()) if (entry.pid === pid) return entry.seriesId;
    return undefined;
  }
}

/** What the gauge and the panel see of one entry. */
export function viewOf(entry: WatchedProcess): ProcessView {
  const verdict = entry.detector.verdict();
  return {
    key: entry.seriesId,
    pid: entry.pid,
    label: entry.label,
    source: entry.source,
    resourceUri: entry.resourceUri,
    rssBytes: entry.rssBytes,
    measure: entry.measure,
    measureNote: entry.measureNote,
    summedRssBytes: entry.summedRssBytes,
    childCount: entry.childCount,
    pattern: verdict.pattern,
    alarm: verdict.alarm,
    troughSlopeBytesPerSec: verdict.troughSlopeBytesPerSec,
    growthBytes: verdict.growthBytes,
    teeth: verdict.teeth,
    limitBytes: entry.limit?.bytes ?? null,
    limitSource: entry.limit ? describeLimitSource(entry.limit.source) : null,
    secondsToLimit: verdict.forecast.secondsToLimit,
    exited: entry.exited,
    ...(entry.note !== undefined ? { note: entry.note } : {}),
    ...(entry.status !== undefined ? { status: entry.status } : {}),
  };
}
