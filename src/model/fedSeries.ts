// Series that another source feeds instead of the local sampler (a Jupyter Server's kernels,
// src/model/remoteFeed.ts): no local PID is read; samples and exits arrive through `attach`,
// keyed by series id, and go through the model's own sample and exit handling. Pure.

import { BucketedFeed } from '../core/detector/bucketedFeed';
import type { MemoryLimit } from '../core/limits';
import type { Disposable, SampleSource } from '../core/sampleSource';
import type { SeriesMarker } from '../core/seriesStore';
import type { TreeExit, TreeSample } from '../core/treeSample';
import type { ProcessView } from '../shared/protocol';
import { viewOf, type ProcessSource, type WatchedProcess, type WatchRegistry } from './watchRegistry';

/**
 * A series that another source feeds (a Jupyter Server's kernel): no local PID is sampled; its
 * samples and exits arrive through `attach`, keyed by `seriesId`.
 */
export interface FedWatchRequest {
  readonly seriesId: string;
  readonly pid: number;
  readonly label: string;
  readonly source: ProcessSource;
  readonly limit: MemoryLimit | undefined;
  readonly note?: string;
  readonly status?: string;
}

/** What a feeding source may change on its series after it started. */
export interface FedUpdate {
  readonly label?: string;
  readonly pid?: number;
  readonly limit?: MemoryLimit;
  readonly note?: string;
  /** An empty string clears it. */
  readonly status?: string;
}

/** What FedSeries needs of the memory model that owns it. */
export interface FedSeriesHost {
  readonly registry: WatchRegistry;
  overrideBytes(): number | undefined;
  addMarker(entry: WatchedProcess, marker: SeriesMarker): void;
  changed(): void;
  sample(sample: TreeSample): void;
  exit(exit: TreeExit): void;
}

export class FedSeries {
  constructor(private readonly host: FedSeriesHost) {}

  /** Starts a fed series (idempotent per series id); see `FedWatchRequest`. */
  watch(request: FedWatchRequest): ProcessView {
    const known = this.host.registry.get(request.seriesId);
    if (known) return viewOf(known);
    const overrideBytes = this.host.overrideBytes();
    const limit: MemoryLimit | undefined = overrideBytes ? { bytes: overrideBytes, source: 'override' } : request.limit;
    const entry: WatchedProcess = {
      seriesId: request.seriesId,
      processKey: request.seriesId,
      pid: request.pid,
      label: request.label,
      source: request.source,
      detector: new BucketedFeed({ limitBytes: limit?.bytes ?? null }),
      limit,
      note: request.note,
      status: request.status,
      rssBytes: 0,
      measure: 'pss',
      measureNote: null,
      summedRssBytes: 0,
      childCount: 0,
      exited: false,
      wasAlarmed: false,
      fed: true,
    };
    this.host.registry.add(entry);
    this.host.changed();
    return viewOf(entry);
  }

  /** Routes a source's samples and exits to the fed series they name (by `processKey`). */
  attach(source: SampleSource): Disposable {
    const fed = (processKey: string): boolean => this.host.registry.ofProcess(processKey)?.fed === true;
    const subscriptions = [
      source.onSample((sample) => {
        if (fed(sample.processKey)) this.host.sample(sample);
      }),
      source.onExit((exit) => {
        if (fed(exit.processKey)) this.host.exit(exit);
      }),
    ];
    return { dispose: () => subscriptions.forEach((subscription) => subscription.dispose()) };
  }

  update(seriesId: string, update: FedUpdate): void {
    const entry = this.host.registry.get(seriesId);
    if (!entry?.fed) return;
    if (update.label !== undefined) entry.label = update.label;
    if (update.pid !== undefined) entry.pid = update.pid;
    if (update.note !== undefined) entry.note = update.note || undefined;
    if (update.status !== undefined) entry.status = update.status || undefined;
    if (update.limit && !this.host.overrideBytes() && (update.limit.bytes !== entry.limit?.bytes || update.limit.source !== entry.limit.source)) {
      entry.limit = update.limit;
      entry.detector.setLimit(update.limit.bytes);
    }
    this.host.changed();
  }

  /** A fed series' process restarted: a marker, and a fresh detector (the old memory is gone). */
  markRestart(seriesId: string, pid: number | undefined, tMs: number): void {
    const entry = this.host.registry.get(seriesId);
    if (!entry?.fed) return;
    if (pid !== undefined) entry.pid = pid;
    Object.assign(entry, { exited: false, wasAlarmed: false, detector: new BucketedFeed({ limitBytes: entry.limit?.bytes ?? null }) });
    this.host.addMarker(entry, { t: tMs / 1000, kind: 'restart', label: pid !== undefined ? `restarted as PID ${pid}` : 'restarted' });
    this.host.changed();
  }
}
