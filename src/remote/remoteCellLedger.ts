// The per-cell ledger of a Jupyter Server's kernel, from what every client of the kernel sees on
// iopub: `execute_input` starts a cell (its code and execution count), `error` fails it, the
// shell's `idle` for that request ends it. Times are the kernel's own (its header dates), put on
// this machine's clock with the offset its usage replies show, so a cell that started before its
// message got here still starts from the sample taken when it began. The server's
// `restarting` status with no parent is its notice that the kernel died. Pure (no `vscode`, no
// connection: messages are passed in).

import { CellLedger, type LedgerEntry } from '../kernel/cellLedger';

/** The parts of an iopub message read here (as @jupyterlab/services delivers them). */
export interface IopubMessage {
  readonly header: { readonly msg_type: string; readonly date?: string };
  readonly parent_header: { readonly msg_id?: string; readonly msg_type?: string; readonly session?: string };
  readonly content: unknown;
}

/** The kernel's clock against ours, from usage replies (kernel date, and when we sent and got it). */
export class KernelClock {
  private best: { roundTripMs: number; offsetMs: number; at: number } | undefined;

  observe(kernelMs: number | undefined, sentAt: number, receivedAt: number): void {
    if (kernelMs === undefined || !Number.isFinite(kernelMs) || receivedAt < sentAt) return;
    const roundTripMs = receivedAt - sentAt;
    const offsetMs = kernelMs - (sentAt + receivedAt) / 2;
    // The fastest round trip bounds the error best (± half of it); a minute-old best gives way, clocks drift.
    if (!this.best || roundTripMs <= this.best.roundTripMs || receivedAt - this.best.at > 60_000) this.best = { roundTripMs, offsetMs, at: receivedAt };
  }

  /** How far the kernel's clock is ahead of ours (ms); undefined before its first reply. */
  get offsetMs(): number | undefined {
    return this.best?.offsetMs;
  }

  /** A kernel time on our clock; unchanged while no offset is known (a kernel read from /proc here shares our clock). */
  toLocal(kernelMs: number): number {
    return kernelMs - (this.best?.offsetMs ?? 0);
  }
}

export type RemoteCellEvent =
  | { readonly kind: 'started'; readonly cellId: string }
  /** The cell ended; its ledger entry closes on the first sample taken after its end. */
  | { readonly kind: 'ended'; readonly cellId: string }
  /** The server says the kernel died; `running` is the cell it was running, if the ledger knows it. */
  | { readonly kind: 'died'; readonly running: LedgerEntry | undefined };

interface Running {
  readonly cellId: string;
  readonly executionOrder: number | null;
  /**
   * When it began on the kernel's clock, for its entry to start from the sample taken then; unset
   * when it waited behind the last cell's end figure, which is then its start figure too.
   */
  readonly startedAt: number | undefined;
  failed: boolean;
}

/** A cell's start or end, applied to the ledger in order; an end waits for a sample asked after it. */
type Waiting =
  | { readonly kind: 'start'; readonly cellId: string; readonly label: string; readonly executionOrder: number | null; readonly at: number }
  | { readonly kind: 'end'; readonly cellId: string; readonly endedAt: number; readonly outcome: 'succeeded' | 'failed'; readonly executionOrder: number | null; readonly startedAt: number | undefined };

export class RemoteCellLedger {
  readonly clock = new KernelClock();
  private readonly ledger: CellLedger;
  /** The cell the kernel runs now, as iopub says (the ledger can lag behind it, see `waiting`). */
  private running: Running | undefined;
  /**
   * Starts and ends not yet in the ledger, oldest first. A cell's end waits for a sample asked
   * for after it (its figure), and the cells queued behind it wait with it, so the next cell
   * starts from that same figure instead of the one before the last cell's end.
   */
  private readonly waiting: Waiting[] = [];

  /** `ownSession`: our connection's client id; what we run ourselves (the bridge's scripts) is no cell. */
  constructor(
    private readonly ownSession: () => string,
    capacity = 500,
  ) {
    this.ledger = new CellLedger(capacity);
  }

  list(): readonly LedgerEntry[] {
    return this.ledger.list();
  }

  /** The cell running now, as far as the ledger knows. */
  get current(): LedgerEntry | undefined {
    return this.ledger.current;
  }

  /**
   * A sample the kernel measured at `t` (ms, our clock: its reply's date); returns the last entry
   * it closed. The first sample at or after a cell's end closes it. (The kernel's control thread
   * measures and replies in one go once it holds the GIL, so a reply dated after the end was
   * measured after it: checked against cells run back to back in the integration test.)
   */
  sample(t: number, bytes: number): LedgerEntry | undefined {
    this.ledger.sample(t, bytes);
    return this.apply(t);
  }

  /** Reads one iopub message; `now` is when it arrived (our clock). */
  iopub(message: IopubMessage, now: number): RemoteCellEvent | undefined {
    const parent = message.parent_header ?? {};
    const type = message.header.msg_type;
    if (type === 'status') {
      const state = (message.content as { execution_state?: string } | undefined)?.execution_state;
      if ((state === 'restarting' && parent.msg_type === undefined) || state === 'dead') return this.died(now);
      if (state === 'idle' && this.running && parent.msg_id === this.running.cellId) return this.ended(this.timeOf(message, now));
      return undefined;
    }
    if (parent.msg_type !== 'execute_request' || parent.session === this.ownSession() || parent.msg_id === undefined) return undefined;
    if (type === 'execute_input') return this.started(parent.msg_id, message, now);
    if (type === 'error' && this.running?.cellId === parent.msg_id) this.running.failed = true;
    return undefined;
  }

  /** Applies every waiting start and end now, with the figures known (when the series ends). */
  closePending(): LedgerEntry | undefined {
    return this.apply(Infinity);
  }

  private started(cellId: string, message: IopubMessage, now: number): RemoteCellEvent {
    const content = (message.content ?? {}) as { code?: unknown; execution_count?: unknown };
    const executionOrder = typeof content.execution_count === 'number' ? content.execution_count : null;
    const startedAt = this.waiting.length === 0 ? Math.min(now, this.timeOf(message, now)) : undefined;
    this.running = { cellId, executionOrder, startedAt, failed: false };
    this.waiting.push({ kind: 'start', cellId, label: cellLabel(executionOrder, content.code), executionOrder, at: now });
    this.apply(-Infinity);
    return { kind: 'started', cellId };
  }

  private ended(endedAt: number): RemoteCellEvent {
    const running = this.running!;
    this.running = undefined;
    this.waiting.push({ kind: 'end', cellId: running.cellId, endedAt, outcome: running.failed ? 'failed' : 'succeeded', executionOrder: running.executionOrder, startedAt: running.startedAt });
    return { kind: 'ended', cellId: running.cellId };
  }

  private died(now: number): RemoteCellEvent {
    this.closePending();
    const running = this.ledger.current;
    if (running) this.ledger.cellEnded(running.cellId, now, 'failed');
    this.running = undefined;
    return { kind: 'died', running };
  }

  /** Applies the waiting starts and ends in order, up to an end after `t`. */
  private apply(t: number): LedgerEntry | undefined {
    let closed: LedgerEntry | undefined;
    while (this.waiting.length > 0) {
      const next = this.waiting[0];
      if (next.kind === 'end') {
        if (t < next.endedAt) break;
        closed = this.ledger.cellEnded(next.cellId, next.endedAt, next.outcome, next.executionOrder, next.startedAt) ?? closed;
      } else {
        this.ledger.cellStarted(next.cellId, next.label, next.executionOrder, next.at);
      }
      this.waiting.shift();
    }
    return closed;
  }

  /** The message's kernel date on our clock, else when it arrived. */
  private timeOf(message: IopubMessage, now: number): number {
    const kernelMs = message.header.date === undefined ? NaN : Date.parse(message.header.date);
    return Number.isFinite(kernelMs) ? this.clock.toLocal(kernelMs) : now;
  }
}

/** "[7] df = load(path)": the execution count and the code's first line, shortened. */
export function cellLabel(executionOrder: number | null, code: unknown): string {
  const first = typeof code === 'string' ? (code.split('\n').find((line) => line.trim() !== '') ?? '').trim() : '';
  const shown = first.length > 40 ? `${first.slice(0, 39)}…` : first;
  const order = executionOrder !== null ? `[${executionOrder}]` : '[ ]';
  return shown ? `${order} ${shown}` : order;
}
