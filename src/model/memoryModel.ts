// The session's memory model: which processes are watched, their series, detectors, markers
// and findings. Pure (no `vscode`): the gauge, the panel and the diagnostics read it, the
// sources feed it through the sampler.

import { GrowthDetector, type Verdict } from '../core/detector';
import { formatBytes, formatDuration, likelyCause } from '../core/format';
import { describeLimitSource, readMemoryLimit, type MemoryLimit } from '../core/limits';
import { ProcessTreeSampler, type Disposable, type TreeExit, type TreeSample } from '../core/sampler';
import { SeriesStore, type SeriesMarker } from '../core/seriesStore';
import type { ChartMarker, ChartPoint, Finding, ProcessView } from '../shared/protocol';

export type ProcessSource = ProcessView['source'];

const MAX_PENDING_POINTS = 2048;

export interface WatchRequest {
  readonly pid: number;
  readonly label: string;
  readonly source: ProcessSource;
  readonly resourceUri?: string;
  /**
   * Processes with the same series id share one chart line and detector history: a kernel
   * restart (new PID, same notebook) continues its notebook's series with a restart marker.
   */
  readonly seriesId?: string;
}

interface Entry {
  readonly seriesId: string;
  key: string;
  pid: number;
  label: string;
  readonly source: ProcessSource;
  resourceUri?: string;
  detector: GrowthDetector;
  limit: MemoryLimit;
  rssBytes: number;
  measure: ProcessView['measure'];
  measureNote: string | null;
  summedRssBytes: number;
  childCount: number;
  exited: boolean;
  wasAlarmed: boolean;
}

export interface ModelUpdate {
  /** New chart points since the previous update, by series id. */
  readonly points: Record<string, ChartPoint[]>;
  readonly markers: ChartMarker[];
}

export interface MemoryModelOptions {
  readonly sampler?: ProcessTreeSampler;
  readonly limitOverrideBytes?: number;
  readonly historySec?: number;
  readonly now?: () => number;
}

export class MemoryModel implements Disposable {
  readonly sampler: ProcessTreeSampler;
  readonly store: SeriesStore;
  private readonly entries = new Map<string, Entry>(); // by series id
  private readonly byKey = new Map<string, Entry>(); // by sampler key (pid:start)
  private readonly listeners = new Set<() => void>();
  private readonly exitListeners = new Set<(view: ProcessView, exit: TreeExit) => void>();
  private readonly sampleListeners = new Set<(seriesId: string, tMs: number, rssBytes: number) => void>();
  private pending: ModelUpdate = { points: {}, markers: [] };
  private readonly subscriptions: Disposable[] = [];
  private limitOverrideBytes: number | undefined;

  constructor(options: MemoryModelOptions = {}) {
    this.sampler = options.sampler ?? new ProcessTreeSampler();
    this.store = new SeriesStore({ historySec: options.historySec });
    this.limitOverrideBytes = options.limitOverrideBytes;
    this.subscriptions.push(
      this.sampler.onSample((sample) => this.onSample(sample)),
      this.sampler.onExit((exit) => this.onExit(exit)),
    );
  }

  /** Starts watching (idempotent per PID). Throws ProcessNotFoundError for a dead PID. */
  async watch(request: WatchRequest): Promise<ProcessView> {
    const tree = await this.sampler.watch(request.pid, request.label);
    const existingByKey = this.byKey.get(tree.key);
    if (existingByKey) return this.view(existingByKey);
    const seriesId = request.seriesId ?? tree.key;
    const limit = readMemoryLimit(request.pid, { overrideBytes: this.limitOverrideBytes });
    let entry = this.entries.get(seriesId);
    if (entry) {
      // A restart: same series, new process, fresh detector (the old process's memory is gone).
      this.byKey.delete(entry.key);
      Object.assign(entry, { key: tree.key, pid: request.pid, label: request.label, exited: false, limit, wasAlarmed: false });
      entry.detector = new GrowthDetector({ limitBytes: limit.bytes });
      this.addMarker(entry, { t: Date.now() / 1000, kind: 'restart', label: `restarted as PID ${request.pid}` });
    } else {
      entry = {
        seriesId,
        key: tree.key,
        pid: request.pid,
        label: request.label,
        source: request.source,
        resourceUri: request.resourceUri,
        detector: new GrowthDetector({ limitBytes: limit.bytes }),
        limit,
        rssBytes: 0,
        measure: 'rss',
        measureNote: null,
        summedRssBytes: 0,
        childCount: 0,
        exited: false,
        wasAlarmed: false,
      };
      this.entries.set(seriesId, entry);
    }
    if (request.resourceUri) entry.resourceUri = request.resourceUri;
    this.byKey.set(tree.key, entry);
    if (!this.sampler.running) this.sampler.start();
    return this.view(entry);
  }

  /** Stops watching a series; its history is dropped. */
  unwatch(seriesId: string): void {
    const entry = this.entries.get(seriesId);
    if (!entry) return;
    this.sampler.unwatch(entry.key);
    this.byKey.delete(entry.key);
    this.entries.delete(seriesId);
    this.store.delete(seriesId);
    delete this.pending.points[seriesId];
    if (this.sampler.watched().length === 0) this.sampler.stop();
    // No sample of it will come again: the views must hear of its going now.
    this.emit();
  }

  setLimitOverride(bytes: number | undefined): void {
    this.limitOverrideBytes = bytes;
    for (const entry of this.entries.values()) {
      if (entry.exited) continue;
      entry.limit = readMemoryLimit(entry.pid, { overrideBytes: bytes });
      entry.detector.setLimit(entry.limit.bytes);
    }
  }

  isWatchingPid(pid: number): boolean {
    for (const entry of this.byKey.values()) if (entry.pid === pid && !entry.exited) return true;
    return false;
  }

  seriesIdOfPid(pid: number): string | undefined {
    for (const entry of this.byKey.values()) if (entry.pid === pid) return entry.seriesId;
    return undefined;
  }

  processes(): ProcessView[] {
    return [...this.entries.values()].map((entry) => this.view(entry));
  }

  process(seriesId: string): ProcessView | undefined {
    const entry = this.entries.get(seriesId);
    return entry && this.view(entry);
  }

  verdictOf(seriesId: string): Verdict | undefined {
    return this.entries.get(seriesId)?.detector.verdict();
  }

  /** Chart points from `sinceMs` (ms since epoch) on, per series id. */
  series(sinceMs = -Infinity): Record<string, ChartPoint[]> {
    const result: Record<string, ChartPoint[]> = {};
    for (const seriesId of this.entries.keys()) {
      const series = this.store.get(seriesId);
      result[seriesId] = series ? series.points(sinceMs / 1000).map((p) => ({ t: p.t * 1000, min: p.min, max: p.max })) : [];
    }
    return result;
  }

  markers(): ChartMarker[] {
    const markers: ChartMarker[] = [];
    for (const seriesId of this.entries.keys()) {
      for (const marker of this.store.markersOf(seriesId)) markers.push(toChartMarker(seriesId, marker));
    }
    return markers;
  }

  /** The CLI's trace format for one series: times relative to its first sample. */
  traceCsv(seriesId: string): string | undefined {
    const series = this.store.get(seriesId);
    if (!series) return undefined;
    const rows = series.toTraceRows();
    const start = rows.length > 0 ? rows[0][0] : 0;
    return 't,rss\n' + rows.map(([t, rss]) => `${Number((t - start).toFixed(3))},${Math.round(rss)}`).join('\n') + '\n';
  }

  findings(): Finding[] {
    const findings: Finding[] = [];
    for (const entry of this.entries.values()) {
      const verdict = entry.detector.verdict();
      if (!verdict.alarm) continue;
      const minutes = verdict.timescaleSec ?? 0;
      findings.push({
        key: entry.seriesId,
        title: `${entry.label}: ${verdict.pattern}`,
        detail: `troughs climbed ${formatBytes(verdict.growthBytes)} within ${formatDuration(minutes)}` +
          `${verdict.teeth > 0 ? ` over ${verdict.teeth} teeth` : ''}: ${likelyCause(verdict.pattern)}`,
        forecast:
          verdict.forecast.secondsToLimit === null
            ? null
            : `reaches ${formatBytes(entry.limit.bytes)} (${describeLimitSource(entry.limit.source)}) in about ${formatDuration(verdict.forecast.secondsToLimit)}`,
        actions: [],
      });
    }
    return findings;
  }

  /** Fires after every sample, exit or unwatch; call `takePending()` for what changed (consumers throttle). */
  onDidUpdate(listener: () => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  onDidExit(listener: (view: ProcessView, exit: TreeExit) => void): Disposable {
    this.exitListeners.add(listener);
    return { dispose: () => this.exitListeners.delete(listener) };
  }

  /** Every sample of every series (the kernel ledger follows its kernel's RSS with it). */
  onDidSample(listener: (seriesId: string, tMs: number, rssBytes: number) => void): Disposable {
    this.sampleListeners.add(listener);
    return { dispose: () => this.sampleListeners.delete(listener) };
  }

  limitOf(seriesId: string): MemoryLimit | undefined {
    return this.entries.get(seriesId)?.limit;
  }

  /** Back to the configured sampling rate at once, for one series or all (a cell or a terminal command starts). */
  wake(seriesId?: string): void {
    const entry = seriesId === undefined ? undefined : this.entries.get(seriesId);
    if (seriesId === undefined || entry) this.sampler.wake(entry?.key);
  }

  /** Marks an event on a series' chart (cell runs, releases). */
  mark(seriesId: string, kind: SeriesMarker['kind'], label: string, tMs = Date.now()): void {
    const entry = this.entries.get(seriesId);
    if (entry) this.addMarker(entry, { t: tMs / 1000, kind, label });
  }

  /** Hands out what changed since the last call (the panel batches its messages with it). */
  takePending(): ModelUpdate {
    const pending = this.pending;
    this.pending = { points: {}, markers: [] };
    return pending;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.sampler.dispose();
    this.listeners.clear();
    this.exitListeners.clear();
    this.sampleListeners.clear();
  }

  private onSample(sample: TreeSample): void {
    const entry = this.byKey.get(sample.key);
    if (!entry) return;
    const t = sample.t / 1000;
    const bytes = sample.memoryBytes; // the tree's PSS when it has children, else its RSS
    Object.assign(entry, { rssBytes: bytes, measure: sample.measure, measureNote: sample.measureNote ?? null, summedRssBytes: sample.rssBytes });
    entry.childCount = sample.children.length;
    entry.detector.push(t, bytes);
    this.store.append(entry.seriesId, t, bytes);
    const pending = (this.pending.points[entry.seriesId] ??= []);
    pending.push({ t: sample.t, min: bytes, max: bytes });
    // Nobody took the deltas (the panel is hidden): it rebuilds from a snapshot when shown.
    if (pending.length > MAX_PENDING_POINTS) pending.splice(0, pending.length - MAX_PENDING_POINTS);
    // The full verdict is built lazily (views, findings); a sample needs only the alarm bit.
    const alarm = entry.detector.alarm;
    if (alarm && !entry.wasAlarmed) {
      const { pattern } = entry.detector.verdict();
      this.addMarker(entry, { t, kind: 'alarm', label: `${pattern}: ${likelyCause(pattern)}` });
    }
    entry.wasAlarmed = alarm;
    for (const listener of [...this.sampleListeners]) listener(entry.seriesId, sample.t, bytes);
    this.emit();
  }

  private onExit(exit: TreeExit): void {
    const entry = this.byKey.get(exit.key);
    if (!entry) return;
    entry.exited = true;
    entry.rssBytes = 0;
    this.addMarker(entry, { t: exit.t / 1000, kind: 'exit', label: `PID ${exit.pid} exited at ${formatBytes(exit.lastRssBytes)}` });
    const view = this.view(entry);
    for (const listener of [...this.exitListeners]) listener(view, exit);
    if (this.sampler.watched().length === 0) this.sampler.stop();
    this.emit();
  }

  private addMarker(entry: Entry, marker: SeriesMarker): void {
    this.store.mark(entry.seriesId, marker);
    this.pending.markers.push(toChartMarker(entry.seriesId, marker));
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private view(entry: Entry): ProcessView {
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
      limitBytes: entry.limit.bytes,
      limitSource: describeLimitSource(entry.limit.source),
      secondsToLimit: verdict.forecast.secondsToLimit,
      exited: entry.exited,
    };
  }
}

function toChartMarker(seriesId: string, marker: SeriesMarker): ChartMarker {
  return { key: seriesId, t: marker.t * 1000, kind: marker.kind, label: marker.label };
}
