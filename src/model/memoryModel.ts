// The session's memory model: which processes are watched, their series, detectors, markers
// and findings. Pure (no `vscode`): the gauge, the panel and the diagnostics read it, the
// sources feed it through the sampler. The pieces live beside it: the watch registry, the
// findings, the panel deltas.

import { BucketedFeed } from '../core/detector/bucketedFeed';
import type { Verdict } from '../core/detector/types';
import { Emitter } from '../core/emitter';
import { formatBytes, likelyCause } from '../core/format';
import { readMemoryLimit, type MemoryLimit } from '../core/limits';
import { ProcessTreeSampler, type Disposable, type TreeExit, type TreeSample } from '../core/sampler';
import { SeriesStore, type SeriesMarker } from '../core/seriesStore';
import { formatTrace } from '../core/trace';
import type { ChartMarker, ChartPoint, Finding, ProcessView } from '../shared/protocol';
import { FedSeries } from './fedSeries';
import { findingOf } from './findings';
import { PanelDeltas, type ModelUpdate } from './panelDeltas';
import { viewOf, WatchRegistry, type WatchedProcess } from './watchRegistry';

export type { ProcessSource } from './watchRegistry';
export type { ModelUpdate } from './panelDeltas';
export type { FedUpdate, FedWatchRequest } from './fedSeries';

export type { MemoryModelOptions, ProcessExit, SeriesSample, WatchRequest } from './modelTypes';
import type { MemoryModelOptions, ProcessExit, SeriesSample, WatchRequest } from './modelTypes';

export class MemoryModel implements Disposable {
  readonly sampler: ProcessTreeSampler;
  readonly store: SeriesStore;
  private readonly registry = new WatchRegistry();
  private readonly deltas = new PanelDeltas();
  private readonly updated = new Emitter<void>();
  private readonly exited = new Emitter<ProcessExit>();
  private readonly sampled = new Emitter<SeriesSample>();
  private readonly subscriptions: Disposable[] = [];
  private limitOverrideBytes: number | undefined;
  /** Series fed by other sources (a Jupyter Server's kernels), see fedSeries.ts. */
  readonly fed: FedSeries;

  constructor(options: MemoryModelOptions = {}) {
    this.sampler = options.sampler ?? new ProcessTreeSampler();
    this.store = new SeriesStore({ historySec: options.historySec });
    this.limitOverrideBytes = options.limitOverrideBytes;
    this.fed = new FedSeries({
      registry: this.registry,
      overrideBytes: () => this.limitOverrideBytes,
      addMarker: (entry, marker) => this.addMarker(entry, marker),
      changed: () => this.updated.fire(),
      sample: (sample) => this.onSample(sample),
      exit: (exit) => this.onExit(exit),
    });
    this.subscriptions.push(
      this.sampler.onSample((sample) => this.onSample(sample)),
      this.sampler.onExit((exit) => this.onExit(exit)),
    );
  }

  /** Starts watching (idempotent per PID). Throws ProcessNotFoundError for a dead PID. */
  async watch(request: WatchRequest): Promise<ProcessView> {
    const tree = await this.sampler.watch(request.pid, request.label);
    const already = this.registry.ofProcess(tree.processKey);
    if (already) return viewOf(already);
    const seriesId = request.seriesId ?? tree.processKey;
    const limit = readMemoryLimit(request.pid, { overrideBytes: this.limitOverrideBytes });
    // Its start-up (imports) is exempt only if it is young: one watched an hour after it started has none.
    const detectorOptions = { limitBytes: limit.bytes, processStartTime: tree.startedAtMs === undefined ? undefined : tree.startedAtMs / 1000 };
    let entry = this.registry.get(seriesId);
    if (entry) {
      // A restart: same series, new process, fresh detector (the old process's memory is gone).
      this.registry.rebind(entry, tree.processKey);
      Object.assign(entry, { pid: request.pid, label: request.label, exited: false, limit, wasAlarmed: false });
      entry.detector = new BucketedFeed(detectorOptions);
      this.addMarker(entry, { t: Date.now() / 1000, kind: 'restart', label: `restarted as PID ${request.pid}` });
    } else {
      entry = {
        seriesId,
        processKey: tree.processKey,
        pid: request.pid,
        label: request.label,
        source: request.source,
        resourceUri: request.resourceUri,
        detector: new BucketedFeed(detectorOptions),
        limit,
        rssBytes: 0,
        measure: 'rss',
        measureNote: null,
        summedRssBytes: 0,
        childCount: 0,
        exited: false,
        wasAlarmed: false,
      };
      this.registry.add(entry);
    }
    if (request.resourceUri) entry.resourceUri = request.resourceUri;
    if (!this.sampler.running) this.sampler.start();
    return viewOf(entry);
  }

  /** Stops watching a series; its history is dropped. */
  unwatch(seriesId: string): void {
    const entry = this.registry.remove(seriesId);
    if (!entry) return;
    this.sampler.unwatch(entry.processKey);
    this.store.delete(seriesId);
    this.deltas.drop(seriesId);
    if (this.sampler.watched().length === 0) this.sampler.stop();
    // No sample of it will come again: the views must hear of its going now.
    this.updated.fire();
  }

  setLimitOverride(bytes: number | undefined): void {
    this.limitOverrideBytes = bytes;
    for (const entry of this.registry.entries()) {
      if (entry.exited || entry.fed) continue; // a fed series' source applies the override itself
      entry.limit = readMemoryLimit(entry.pid, { overrideBytes: bytes });
      entry.detector.setLimit(entry.limit.bytes);
    }
  }

  isWatchingPid(pid: number): boolean {
    return this.registry.isWatchingPid(pid);
  }

  seriesIdOfPid(pid: number): string | undefined {
    return this.registry.seriesIdOfPid(pid);
  }

  processes(): ProcessView[] {
    return [...this.registry.entries()].map(viewOf);
  }

  process(seriesId: string): ProcessView | undefined {
    const entry = this.registry.get(seriesId);
    return entry && viewOf(entry);
  }

  verdictOf(seriesId: string): Verdict | undefined {
    return this.registry.get(seriesId)?.detector.verdict();
  }

  limitOf(seriesId: string): MemoryLimit | undefined {
    return this.registry.get(seriesId)?.limit;
  }

  /** Chart points from `sinceMs` (ms since epoch) on, per series id. */
  series(sinceMs = -Infinity): Record<string, ChartPoint[]> {
    const result: Record<string, ChartPoint[]> = {};
    for (const seriesId of this.registry.seriesIds()) {
      const series = this.store.get(seriesId);
      result[seriesId] = series ? series.points(sinceMs / 1000).map((p) => ({ t: p.t * 1000, min: p.min, max: p.max })) : [];
    }
    return result;
  }

  markers(): ChartMarker[] {
    const markers: ChartMarker[] = [];
    for (const seriesId of this.registry.seriesIds()) {
      for (const marker of this.store.markersOf(seriesId)) markers.push(toChartMarker(seriesId, marker));
    }
    return markers;
  }

  /** The CLI's trace format (core/trace.ts) for one series: times relative to its first sample. */
  traceCsv(seriesId: string): string | undefined {
    const series = this.store.get(seriesId);
    if (!series) return undefined;
    const rows = series.toTraceRows();
    const start = rows.length > 0 ? rows[0][0] : 0;
    return formatTrace(rows.map(([t, rss]) => ({ t: t - start, rss })));
  }

  findings(): Finding[] {
    const findings: Finding[] = [];
    for (const entry of this.registry.entries()) {
      const finding = findingOf(entry, entry.detector.verdict());
      if (finding) findings.push(finding);
    }
    return findings;
  }

  /** Fires after every sample, exit or unwatch; call `takePending()` for what changed (consumers throttle). */
  readonly onDidUpdate = this.updated.event;

  readonly onDidExit = this.exited.event;

  /** Every sample of every series (the kernel ledger follows its kernel's RSS with it). */
  readonly onDidSample = this.sampled.event;

  /** Back to the configured sampling rate at once, for one series or all (a cell or a terminal command starts). */
  wake(seriesId?: string): void {
    const entry = seriesId === undefined ? undefined : this.registry.get(seriesId);
    if (seriesId === undefined || entry) this.sampler.wake(entry?.processKey);
  }

  /**
   * Samples one series now and resolves with its next sample (undefined after `timeoutMs`, or for
   * a series not watched): a cell's end figure must not be the sample taken before its last allocation.
   */
  sampleNow(seriesId: string, timeoutMs: number): Promise<{ tMs: number; rssBytes: number } | undefined> {
    if (!this.registry.get(seriesId)) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const listener = this.onDidSample((sample) => {
        if (sample.seriesId === seriesId) finish({ tMs: sample.tMs, rssBytes: sample.rssBytes });
      });
      const finish = (value: { tMs: number; rssBytes: number } | undefined): void => {
        clearTimeout(timer);
        listener.dispose();
        resolve(value);
      };
      this.wake(seriesId);
    });
  }

  /** Marks an event on a series' chart (cell runs, releases). */
  mark(seriesId: string, kind: SeriesMarker['kind'], label: string, tMs = Date.now()): void {
    const entry = this.registry.get(seriesId);
    if (entry) this.addMarker(entry, { t: tMs / 1000, kind, label });
  }

  /** Hands out what changed since the last call (the panel batches its messages with it). */
  takePending(): ModelUpdate {
    return this.deltas.take();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.sampler.dispose();
    this.updated.dispose();
    this.exited.dispose();
    this.sampled.dispose();
  }

  private onSample(sample: TreeSample): void {
    const entry = this.registry.ofProcess(sample.processKey);
    if (!entry) return;
    const t = sample.t / 1000;
    const bytes = sample.memoryBytes; // the tree's PSS when it has children, else its RSS
    Object.assign(entry, { rssBytes: bytes, measure: sample.measure, measureNote: sample.measureNote ?? null, summedRssBytes: sample.rssBytes });
    entry.childCount = sample.children.length;
    entry.detector.push(t, bytes);
    this.store.append(entry.seriesId, t, bytes);
    this.deltas.addPoint(entry.seriesId, { t: sample.t, min: bytes, max: bytes });
    // The full verdict is built lazily (views, findings); a sample needs only the alarm bit.
    const alarm = entry.detector.alarm;
    if (alarm && !entry.wasAlarmed) {
      const { pattern } = entry.detector.verdict();
      this.addMarker(entry, { t, kind: 'alarm', label: `${pattern}: ${likelyCause(pattern)}` });
    }
    entry.wasAlarmed = alarm;
    this.sampled.fire({ seriesId: entry.seriesId, tMs: sample.t, rssBytes: bytes });
    this.updated.fire();
  }

  private onExit(exit: TreeExit): void {
    const entry = this.registry.ofProcess(exit.processKey);
    if (!entry) return;
    Object.assign(entry, { exited: true, rssBytes: 0 });
    entry.detector.flush(); // no later sample will close its last bucket
    this.addMarker(entry, { t: exit.t / 1000, kind: 'exit', label: `PID ${exit.pid} exited at ${formatBytes(exit.lastRssBytes)}` });
    this.exited.fire({ view: viewOf(entry), exit });
    if (this.sampler.watched().length === 0) this.sampler.stop();
    this.updated.fire();
  }

  private addMarker(entry: WatchedProcess, marker: SeriesMarker): void {
    this.store.mark(entry.seriesId, marker);
    this.deltas.addMarker(toChartMarker(entry.seriesId, marker));
  }
}

function toChartMarker(seriesId: string, marker: SeriesMarker): ChartMarker {
  return { key: seriesId, t: marker.t * 1000, kind: marker.kind, label: marker.label };
}
