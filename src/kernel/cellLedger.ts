// Per-cell memory ledger: for each executed cell, the kernel's RSS when it started, its peak
// while it ran, at its end, and what it retained. Pure: fed cell start/end events (from
// notebook execution summaries) and the sampler's RSS samples of the kernel.

export interface LedgerEntry {
  readonly cellId: string;
  /** The cell's label for people: "[17] analysis.ipynb" */
  readonly label: string;
  readonly executionOrder: number | null;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly startBytes: number;
  readonly peakBytes: number;
  readonly endBytes: number | null;
  /** endBytes - startBytes: what the cell left behind (negative when it freed memory). */
  readonly retainedBytes: number | null;
  readonly outcome: 'running' | 'succeeded' | 'failed' | 'cancelled';
}

interface Running {
  cellId: string;
  label: string;
  executionOrder: number | null;
  startedAt: number;
  startBytes: number;
  peakBytes: number;
}

/** Samples kept for a late start: 16 s at the idle rate of 1 Hz, 4 s at 4 Hz. */
const RECENT_SAMPLES = 16;

export class CellLedger {
  private readonly entries: LedgerEntry[] = [];
  private running: Running | undefined;
  private lastBytes: number | undefined;
  /** The last samples, oldest first: a cell's start is known late (see cellEnded's `startedAt`). */
  private readonly recent: { t: number; bytes: number }[] = [];
  /** The samples before the running cell's start event. */
  private beforeStart: readonly { t: number; bytes: number }[] = [];

  constructor(private readonly capacity = 500) {}

  /** A sample of the kernel's RSS (t in ms since the epoch). */
  sample(t: number, bytes: number): void {
    this.lastBytes = bytes;
    this.recent.push({ t, bytes });
    if (this.recent.length > RECENT_SAMPLES) this.recent.shift();
    if (this.running && bytes > this.running.peakBytes) this.running.peakBytes = bytes;
  }

  /** Events repeat (VS Code fires the same summary more than once): a second start of the same cell is ignored. */
  cellStarted(cellId: string, label: string, executionOrder: number | null, t: number): void {
    if (this.running?.cellId === cellId) return;
    if (this.running) this.finish(t, 'cancelled'); // a new cell started: the old one is over
    const bytes = this.lastBytes ?? 0;
    this.running = { cellId, label, executionOrder, startedAt: t, startBytes: bytes, peakBytes: bytes };
    this.beforeStart = [...this.recent];
  }

  /**
   * `startedAt`: when the cell really started, if known only now (VS Code's timing comes with the
   * end; the start event can come after the kernel began the cell, once its order is set). The
   * entry then starts from the last sample taken by that time, so early allocations count.
   */
  cellEnded(cellId: string, t: number, outcome: 'succeeded' | 'failed' | 'cancelled', executionOrder?: number | null, startedAt?: number): LedgerEntry | undefined {
    const running = this.running;
    if (running?.cellId !== cellId) return undefined;
    if (executionOrder !== undefined) running.executionOrder = executionOrder;
    if (startedAt !== undefined && startedAt < running.startedAt) {
      const before = this.beforeStart.filter((s) => s.t <= startedAt).at(-1);
      if (before) {
        running.startedAt = startedAt;
        running.startBytes = before.bytes;
        running.peakBytes = Math.max(running.peakBytes, before.bytes);
      }
    }
    return this.finish(t, outcome);
  }

  get current(): LedgerEntry | undefined {
    const running = this.running;
    if (!running) return undefined;
    return { ...running, endedAt: null, endBytes: null, retainedBytes: null, outcome: 'running' };
  }

  /** Finished cells, oldest first (the running one, if any, last). */
  list(): LedgerEntry[] {
    const current = this.current;
    return current ? [...this.entries, current] : [...this.entries];
  }

  latestFor(cellId: string): LedgerEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i].cellId === cellId) return this.entries[i];
    return undefined;
  }

  private finish(t: number, outcome: LedgerEntry['outcome']): LedgerEntry {
    const running = this.running!;
    this.running = undefined;
    const endBytes = this.lastBytes ?? running.startBytes;
    const entry: LedgerEntry = {
      ...running,
      peakBytes: Math.max(running.peakBytes, endBytes),
      endedAt: t,
      endBytes,
      retainedBytes: endBytes - running.startBytes,
      outcome,
    };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
    return entry;
  }
}
