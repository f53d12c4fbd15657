// The local source of samples: the memory of watched process trees, read at a steady (or
// adaptive) rate through a ProcessReader, with a scan of the process table for their children.

import type { MemoryDetail, ProcessIdentity, ProcessInfo, ProcessReader } from './processReader';
import { descendantsOf } from './processReader';
import { PssEstimator, type MemberRss } from './pssEstimator';
import { AdaptiveRate, type AdaptiveRateOptions } from './adaptiveRate';
import { RoundTimer } from './roundTimer';
import { ProcessNotFoundError, type Disposable, type SampleSource } from './sampleSource';
import { defaultReader, type SamplerOptions } from './samplerOptions';
import type { ChildSample, TreeExit, TreeSample, WatchedTree } from './treeSample';
export type { ChildSample, TreeExit, TreeSample, WatchedTree } from './treeSample';
// Kept here too: the sampler's users import what it emits and throws from it.
export { ProcessNotFoundError, type Disposable, type SampleSource } from './sampleSource';
export type { SamplerOptions } from './samplerOptions';

interface TreeState {
  readonly info: WatchedTree;
  children: ProcessInfo[];
  lastRssBytes: number;
  lastDetailAt: number;
  rate: AdaptiveRate | undefined;
  /** When the timer should sample it next (ms, the sampler's clock). */
  nextDueAt: number;
}

export function processKeyOf(identity: ProcessIdentity): string {
  return `${identity.pid}:${identity.startTime}`;
}

/**
 * Samples the RSS of watched process trees (a root and its descendants). Never throws from a
 * tick: a process that exits ends its series with an `exit` event carrying its last RSS.
 */
export class ProcessTreeSampler implements SampleSource, Disposable {
  readonly reader: ProcessReader;
  intervalMs: number;
  private readonly childScanIntervalMs: number;
  private readonly detailIntervalMs: number;
  private readonly now: () => number;
  private readonly trees = new Map<string, TreeState>();
  private readonly pss: PssEstimator;
  private readonly sampleListeners = new Set<(sample: TreeSample) => void>();
  private readonly exitListeners = new Set<(exit: TreeExit) => void>();
  private readonly timer = new RoundTimer(() => this.timedRound());
  private readonly adaptive: Omit<AdaptiveRateOptions, 'fastIntervalMs'> | undefined;
  private ticking: Promise<void> | undefined;
  private lastScanAt = -Infinity;
  private scanRequested = false;

  constructor(options: SamplerOptions = {}) {
    this.reader = options.reader ?? defaultReader();
    this.intervalMs = options.intervalMs ?? 250;
    this.childScanIntervalMs = options.childScanIntervalMs ?? 5000;
    this.detailIntervalMs = options.detailIntervalMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.pss = new PssEstimator({ refreshIntervalMs: options.pssRefreshIntervalMs });
    this.adaptive = options.adaptiveRate === true ? {} : options.adaptiveRate || undefined;
  }

  onSample(listener: (sample: TreeSample) => void): Disposable {
    this.sampleListeners.add(listener);
    return { dispose: () => this.sampleListeners.delete(listener) };
  }

  onExit(listener: (exit: TreeExit) => void): Disposable {
    this.exitListeners.add(listener);
    return { dispose: () => this.exitListeners.delete(listener) };
  }

  /** Starts watching a PID; resolves to its tree (the same one if it is already watched). */
  async watch(pid: number, label?: string, argv?: readonly string[]): Promise<WatchedTree> {
    if (!Number.isSafeInteger(pid) || pid <= 0) throw new ProcessNotFoundError(pid);
    const identity = await this.reader.identity(pid);
    if (!identity) throw new ProcessNotFoundError(pid);
    const processKey = processKeyOf(identity);
    const existing = this.trees.get(processKey);
    if (existing) return existing.info;
    const info: WatchedTree = { processKey, pid, startTime: identity.startTime, startedAtMs: this.reader.startedAtMs(identity), label: label ?? `PID ${pid}`, argv: argv ?? [] };
    this.trees.set(processKey, { info, children: [], lastRssBytes: 0, lastDetailAt: -Infinity, rate: this.newRate(), nextDueAt: this.now() });
    this.scanRequested = true; // find its children on the next tick, not 2 s later
    this.timer.poke(); // its first sample now, not when an idle process is next due
    return info;
  }

  unwatch(processKey: string): boolean {
    const tree = this.trees.get(processKey);
    if (!tree) return false;
    this.trees.delete(processKey);
    this.pss.forget(processKey);
    this.forgetPids([tree.info.pid, ...tree.children.map((child) => child.pid)]);
    return true;
  }

  watched(): WatchedTree[] {
    return [...this.trees.values()].map((tree) => tree.info);
  }

  isWatching(processKey: string): boolean {
    return this.trees.has(processKey);
  }

  start(): void {
    this.timer.start(this.intervalMs);
  }

  stop(): void {
    this.timer.stop();
  }

  /** Changes the interval; every process starts again at the new rate. */
  setInterval(intervalMs: number): void {
    if (intervalMs === this.intervalMs) return;
    this.intervalMs = intervalMs;
    for (const tree of this.trees.values()) tree.rate = this.newRate();
    this.wake();
  }

  /** Back to the configured rate at once (a cell or a terminal command starts): one tree, or all. */
  wake(processKey?: string): void {
    const now = this.now();
    for (const tree of this.trees.values()) {
      if (processKey !== undefined && tree.info.processKey !== processKey) continue;
      tree.rate?.wake(now);
      tree.nextDueAt = now;
    }
    this.timer.poke();
  }

  /** Whether a tree is sampled at the idle rate now. */
  isIdle(processKey: string): boolean {
    return this.trees.get(processKey)?.rate?.idle ?? false;
  }

  get running(): boolean {
    return this.timer.running;
  }

  /** One sampling round over every watched tree. Overlapping calls share the round in flight. */
  tick(): Promise<void> {
    return this.round(true);
  }

  dispose(): void {
    this.stop();
    this.trees.clear();
    this.sampleListeners.clear();
    this.exitListeners.clear();
    (this.reader as { dispose?: () => void }).dispose?.();
  }

  private round(all: boolean): Promise<void> {
    if (!this.ticking) {
      this.ticking = this.sampleRound(all).finally(() => {
        this.ticking = undefined;
      });
    }
    return this.ticking;
  }

  /** The timer's round: the trees that are due, then the delay to the next one due. */
  private async timedRound(): Promise<number> {
    await this.round(false);
    let next = Infinity;
    for (const tree of this.trees.values()) next = Math.min(next, tree.nextDueAt);
    return Number.isFinite(next) ? Math.max(0, next - this.now()) : this.intervalMs;
  }

  private newRate(): AdaptiveRate | undefined {
    return this.adaptive && new AdaptiveRate({ ...this.adaptive, fastIntervalMs: this.intervalMs });
  }

  private async sampleRound(all: boolean): Promise<void> {
    if (this.trees.size === 0) return;
    const now = this.now();
    if (this.scanRequested || now - this.lastScanAt >= this.childScanIntervalMs) {
      await this.scanProcessTable(now);
    }
    // Within half its interval of being due: trees watched at different moments then share rounds.
    const due = [...this.trees.values()].filter((tree) => all || tree.nextDueAt <= now + (tree.rate?.intervalMs ?? this.intervalMs) / 2);
    const pids: number[] = [];
    for (const tree of due) {
      pids.push(tree.info.pid);
      for (const child of tree.children) pids.push(child.pid);
    }
    let rssByPid: Map<number, number>;
    try {
      rssByPid = await this.reader.rssMany(pids);
    } catch {
      return; // a reader failure skips a tick; it never escapes into the caller's timer
    }
    const t = this.now();
    for (const tree of due) {
      if (!this.trees.has(tree.info.processKey)) continue; // unwatched meanwhile
      const selfBytes = rssByPid.get(tree.info.pid);
      // RSS 0 is a zombie: it has exited and waits for its parent to reap it.
      if (selfBytes === undefined || selfBytes === 0) {
        this.endTree(tree, t, 'exited');
        continue;
      }
      const live = tree.children.filter((child) => rssByPid.get(child.pid)); // the others ended; the next scan drops them
      const members: MemberRss[] = [tree.info.pid, ...live.map((child) => child.pid)].map((pid) => ({ pid, rssBytes: rssByPid.get(pid)! }));
      if (members.length > 1) await this.pss.refresh(tree.info.processKey, members, t, (pid) => this.reader.rollup(pid));
      const figure = this.pss.figure(tree.info.processKey, members);
      // A child that exited between the statm read and smaps_rollup's is in neither the figure nor the list.
      const children: ChildSample[] = live
        .filter((child) => figure.measure !== 'pss' || figure.pssByPid.has(child.pid))
        .map((child) => ({ pid: child.pid, rssBytes: rssByPid.get(child.pid)!, pssBytes: figure.pssByPid.get(child.pid), argv: child.argv }));
      const { bytes: memoryBytes, measure, note: measureNote, rssBytes } = figure;
      tree.lastRssBytes = rssBytes;
      let detail: MemoryDetail | undefined;
      if (t - tree.lastDetailAt >= this.detailIntervalMs) {
        tree.lastDetailAt = t;
        detail = await this.reader.detail(tree.info.pid).catch(() => undefined);
      }
      tree.nextDueAt = t + (tree.rate ? tree.rate.observe(t, memoryBytes) : this.intervalMs);
      this.emitSample({ processKey: tree.info.processKey, pid: tree.info.pid, t, memoryBytes, measure, measureNote, rssBytes, selfBytes, children, detail });
    }
  }

  private async scanProcessTable(now: number): Promise<void> {
    this.scanRequested = false;
    this.lastScanAt = now;
    let processes: ProcessInfo[];
    try {
      processes = await this.reader.listProcesses(new Set([...this.trees.values()].map((tree) => tree.info.pid)));
    } catch {
      return;
    }
    if (processes.length === 0) return; // the table could not be read: keep what we know
    const byPid = new Map(processes.map((proc) => [proc.pid, proc]));
    for (const tree of [...this.trees.values()]) {
      const current = byPid.get(tree.info.pid);
      if (!current) continue; // the statm read decides whether it exited
      if (current.startTime !== tree.info.startTime) {
        this.endTree(tree, now, 'reused');
        continue;
      }
      const previous = new Set(tree.children.map((child) => child.pid));
      tree.children = descendantsOf(tree.info.pid, processes);
      const stillThere = new Set(tree.children.map((child) => child.pid));
      this.forgetPids([...previous].filter((pid) => !stillThere.has(pid)));
    }
  }

  private endTree(tree: TreeState, t: number, reason: TreeExit['reason']): void {
    if (!this.trees.delete(tree.info.processKey)) return;
    this.pss.forget(tree.info.processKey);
    this.forgetPids([tree.info.pid, ...tree.children.map((child) => child.pid)]);
    const exit: TreeExit = { processKey: tree.info.processKey, pid: tree.info.pid, t, lastRssBytes: tree.lastRssBytes, reason };
    for (const listener of [...this.exitListeners]) {
      try {
        listener(exit);
      } catch {
        // a listener's bug must not stop the sampler
      }
    }
  }

  private emitSample(sample: TreeSample): void {
    for (const listener of [...this.sampleListeners]) {
      try {
        listener(sample);
      } catch {
        // a listener's bug must not stop the sampler
      }
    }
  }

  private forgetPids(pids: readonly number[]): void {
    const reader = this.reader as { forget?: (pid: number) => void };
    if (!reader.forget) return;
    for (const pid of pids) reader.forget(pid);
  }
}
