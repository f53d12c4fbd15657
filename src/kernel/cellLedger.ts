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

export class CellLedger {
  private readonly entries: LedgerEntry[] = [];
  private running: Running | undefined;
  private lastBytes: number | undefined;

  constructor(private readonly capacity = 500) {}

  /** A sample of the kernel's RSS (t in ms since the epoch). */
  sample(_t: number, bytes: number): void {
    this.lastBytes = bytes;
    if (this.running && bytes > this.running.peakBytes) this.running.peakBytes = bytes;
  }

  /** Events repeat (VS Code fires the same summary more than once): a second start of the same cell is ignored. */
  cellStarted(cellId: string, label: string, executionOrder: number | null, t: number): void {
    if (this.running?.cellId === cellId) return;
    if (this.running) this.finish(t, 'cancelled'); // a new cell started: the old one is over
    const bytes = this.lastBytes ?? 0;
    this.running = { cellId, label, executionOrder, startedAt: t, startBytes: bytes, peakBytes: bytes };
  }

  cellEnded(cellId: string, t: number, outcome: 'succeeded' | 'failed' | 'cancelled', executionOrder?: number | null): LedgerEntry | undefined {
    if (this.running?.cellId !== cellId) return undefined;
    if (executionOrder !== undefined) this.running.executionOrder = executionOrder;
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
