import type { MemoryDetail, ProcessIdentity, ProcessInfo, ProcessReader } from './processReader';
import { descendantsOf } from './processReader';
import { PidusageReader } from './pidusageReader';
import { ProcfsReader } from './procfsReader';

export interface Disposable {
  dispose(): void;
}

export interface ChildSample {
  readonly pid: number;
  readonly rssBytes: number;
  readonly argv: readonly string[];
}

/** One sampling tick of one watched process tree. */
export interface TreeSample {
  /** `pid:startTime`: which process this is; a reused PID is another process with another key. */
  readonly processKey: string;
  readonly pid: number;
  /** Milliseconds since the epoch. */
  readonly t: number;
  /** Root plus every live descendant. */
  readonly rssBytes: number;
  readonly selfBytes: number;
  readonly children: readonly ChildSample[];
  /** Present on the ticks where the slower breakdown was read. */
  readonly detail?: MemoryDetail;
}

export interface TreeExit {
  readonly processKey: string;
  readonly pid: number;
  readonly t: number;
  readonly lastRssBytes: number;
  /** `reused`: the PID now belongs to another process (its start time changed). */
  readonly reason: 'exited' | 'reused';
}

export interface WatchedTree {
  readonly processKey: string;
  readonly pid: number;
  readonly startTime: number;
  readonly label: string;
  readonly argv: readonly string[];
}

/**
 * What every source of samples offers (the local process-tree sampler, a Jupyter Server's
 * kernels): samples keyed by series, and the end of a series.
 */
export interface SampleSource {
  onSample(listener: (sample: TreeSample) => void): Disposable;
  onExit(listener: (exit: TreeExit) => void): Disposable;
}

export class ProcessNotFoundError extends Error {
  constructor(readonly pid: number) {
    super(`No process with PID ${pid} (it has exited, or it is not visible to this user).`);
    this.name = 'ProcessNotFoundError';
  }
}

export interface SamplerOptions {
  readonly reader?: ProcessReader;
  /** Default 250 ms (4 Hz): fast enough to see teeth of a second, cheap enough to leave on. */
  readonly intervalMs?: number;
  /**
   * The process table is scanned for new children and reused PIDs at this slower cadence
   * (default 5 s: workers live long, and a scan is most of the sampler's cost), once for all
   * roots, so a tick costs O(watched processes), never O(machine processes). A newly watched
   * root is scanned for at once.
   */
  readonly childScanIntervalMs?: number;
  /** RssAnon/RssFile/VmSwap change meaning slowly; reading status costs 3× statm. */
  readonly detailIntervalMs?: number;
  readonly now?: () => number;
}

interface TreeState {
  readonly info: WatchedTree;
  children: ProcessInfo[];
  lastRssBytes: number;
  lastDetailAt: number;
}

export function defaultReader(): ProcessReader {
  return ProcfsReader.isAvailable() ? new ProcfsReader() : new PidusageReader();
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
  private readonly sampleListeners = new Set<(sample: TreeSample) => void>();
  private readonly exitListeners = new Set<(exit: TreeExit) => void>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private lastScanAt = -Infinity;
  private scanRequested = false;

  constructor(options: SamplerOptions = {}) {
    this.reader = options.reader ?? defaultReader();
    this.intervalMs = options.intervalMs ?? 250;
    this.childScanIntervalMs = options.childScanIntervalMs ?? 5000;
    this.detailIntervalMs = options.detailIntervalMs ?? 5000;
    this.now = options.now ?? Date.now;
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
    const info: WatchedTree = { processKey, pid, startTime: identity.startTime, label: label ?? `PID ${pid}`, argv: argv ?? [] };
    this.trees.set(processKey, { info, children: [], lastRssBytes: 0, lastDetailAt: -Infinity });
    this.scanRequested = true; // find its children on the next tick, not 2 s later
    return info;
  }

  unwatch(processKey: string): boolean {
    const tree = this.trees.get(processKey);
    if (!tree) return false;
    this.trees.delete(processKey);
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
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Changes the interval, restarting the timer if it runs. */
  setInterval(intervalMs: number): void {
    if (intervalMs === this.intervalMs) return;
    this.intervalMs = intervalMs;
    if (this.timer) {
      this.stop();
      this.start();
    }
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** One sampling round over every watched tree. Overlapping calls share the round in flight. */
  tick(): Promise<void> {
    if (!this.ticking) {
      this.ticking = this.sampleRound().finally(() => {
        this.ticking = undefined;
      });
    }
    return this.ticking;
  }

  dispose(): void {
    this.stop();
    this.trees.clear();
    this.sampleListeners.clear();
    this.exitListeners.clear();
    (this.reader as { dispose?: () => void }).dispose?.();
  }

  private async sampleRound(): Promise<void> {
    if (this.trees.size === 0) return;
    const now = this.now();
    if (this.scanRequested || now - this.lastScanAt >= this.childScanIntervalMs) {
      await this.scanProcessTable(now);
    }
    const pids: number[] = [];
    for (const tree of this.trees.values()) {
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
    for (const tree of [...this.trees.values()]) {
      const selfBytes = rssByPid.get(tree.info.pid);
      // RSS 0 is a zombie: it has exited and waits for its parent to reap it.
      if (selfBytes === undefined || selfBytes === 0) {
        this.endTree(tree, t, 'exited');
        continue;
      }
      let rssBytes = selfBytes;
      const children: ChildSample[] = [];
      for (const child of tree.children) {
        const childBytes = rssByPid.get(child.pid);
        if (!childBytes) continue; // a worker that ended; the next scan drops it
        rssBytes += childBytes;
        children.push({ pid: child.pid, rssBytes: childBytes, argv: child.argv });
      }
      tree.lastRssBytes = rssBytes;
      let detail: MemoryDetail | undefined;
      if (t - tree.lastDetailAt >= this.detailIntervalMs) {
        tree.lastDetailAt = t;
        detail = await this.reader.detail(tree.info.pid).catch(() => undefined);
      }
      this.emitSample({ processKey: tree.info.processKey, pid: tree.info.pid, t, rssBytes, selfBytes, children, detail });
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
