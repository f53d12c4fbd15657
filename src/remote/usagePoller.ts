// The sampling rhythm of one remote kernel: one `usage_request` per tick, never two in flight,
// and silence turned into a state instead of an exception. Pure: the request itself is passed
// in, so the rules are tested without a server; the source ticks every poller from one timer.

import { NO_USAGE_REASON, parseUsageReply, type KernelUsage } from './usageReply';

/** One request on the wire. `reply` resolves with the reply's content; `cancel` forgets it. */
export interface PendingUsageRequest {
  readonly reply: Promise<unknown>;
  cancel(): void;
  /** The kernel's clock when it replied (its header's date, ms since the epoch), once the reply came. */
  kernelTime?(): number | undefined;
}

/** Sends one usage_request, or returns undefined when it cannot be sent now (not connected). */
export type UsageRequester = () => PendingUsageRequest | undefined;

export type PollerState =
  /** No reply yet. */
  | 'waiting'
  | 'answering'
  /** Replies came, then stopped for `silentIntervals` ticks. */
  | 'not-answering'
  /** Never a usable reply: an older ipykernel, no psutil, another language. */
  | 'no-usage';

export interface UsageReading {
  readonly usage: KernelUsage;
  /** Milliseconds since the epoch, when the reply arrived. */
  readonly t: number;
  readonly roundTripMs: number;
  /** The kernel's clock at its reply, when the reply carried it (see KernelClock). */
  readonly kernelMs: number | undefined;
}

export interface UsagePollerOptions {
  readonly request: UsageRequester;
  readonly onReading: (reading: UsageReading) => void;
  readonly onStateChange?: (state: PollerState, reason: string | undefined) => void;
  /**
   * Ticks without a reply before the kernel counts as not answering (default 3). The request in
   * flight is then given up and a new one sent: a reply lost in a reconnect must not stop sampling.
   */
  readonly silentIntervals?: number;
  /**
   * A kernel that never answered counts as not reporting only after this long (default 10 s):
   * a kernel that is starting, or a slow first websocket, must not be called unable.
   */
  readonly noUsageAfterMs?: number;
  /**
   * Why no request can be sent now (the websocket is still connecting, or closed), in plain
   * words, or undefined while it can. A kernel we could not ask is never called unable to report.
   */
  readonly unreachableReason?: () => string | undefined;
  /** The kernel answered an earlier poller (this one replaces it on a new connection): silence is then never "does not report". */
  readonly answeredBefore?: boolean;
  readonly now?: () => number;
}

export class UsagePoller {
  private readonly silentIntervals: number;
  private readonly noUsageAfterMs: number;
  private readonly now: () => number;
  private firstTickAt: number | undefined;
  private inFlight: { request: PendingUsageRequest; sentAt: number } | undefined;
  private silentTicks = 0;
  private everAnswered = false;
  private stateValue: PollerState = 'waiting';
  private reasonValue: string | undefined;
  private disposed = false;
  /** Requests sent (the tests and the benchmark count them). */
  sent = 0;

  constructor(private readonly options: UsagePollerOptions) {
    this.silentIntervals = options.silentIntervals ?? 3;
    this.noUsageAfterMs = options.noUsageAfterMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.everAnswered = options.answeredBefore ?? false;
  }

  get state(): PollerState {
    return this.stateValue;
  }

  /** Why the kernel is not sampled, in plain words (undefined while it answers). */
  get reason(): string | undefined {
    return this.reasonValue;
  }

  get requestInFlight(): boolean {
    return this.inFlight !== undefined;
  }

  /** One sampling tick: sends a request unless one is still out. */
  tick(): void {
    if (this.disposed) return;
    this.firstTickAt ??= this.now();
    if (this.inFlight) {
      this.silentTicks++;
      if (this.silentTicks < this.silentIntervals) return; // still waiting: never a queue of requests
      this.inFlight.request.cancel();
      this.inFlight = undefined;
      this.markSilent();
    }
    const request = this.options.request();
    if (!request) {
      this.silentTicks++;
      if (this.silentTicks >= this.silentIntervals) this.markUnreachable();
      return;
    }
    this.sent++;
    const pending = { request, sentAt: this.now() };
    this.inFlight = pending;
    request.reply.then(
      (content) => this.onReply(pending, content),
      () => this.onFailure(pending),
    );
  }

  dispose(): void {
    this.disposed = true;
    this.inFlight?.request.cancel();
    this.inFlight = undefined;
  }

  private onReply(pending: { request: PendingUsageRequest; sentAt: number }, content: unknown): void {
    if (this.inFlight !== pending || this.disposed) return; // given up on: a late reply is not a sample
    this.inFlight = undefined;
    this.silentTicks = 0;
    const usage = parseUsageReply(content);
    if (!usage) {
      this.setState('no-usage', NO_USAGE_REASON);
      return;
    }
    this.everAnswered = true;
    this.setState('answering', undefined);
    const t = this.now();
    this.options.onReading({ usage, t, roundTripMs: t - pending.sentAt, kernelMs: pending.request.kernelTime?.() });
  }

  private onFailure(pending: { request: PendingUsageRequest; sentAt: number }): void {
    if (this.inFlight !== pending || this.disposed) return;
    this.inFlight = undefined; // the next tick tries again; silence is judged by ticks
  }

  private markSilent(): void {
    this.silentTicks = 0;
    if (this.everAnswered) this.setState('not-answering', 'the kernel stopped answering usage requests');
    // A kernel that never answered: older ipykernels drop the unknown request without a reply.
    else if (this.now() - (this.firstTickAt ?? this.now()) >= this.noUsageAfterMs) this.setState('no-usage', NO_USAGE_REASON);
  }

  /** Requests could not even be sent for `silentIntervals` ticks. */
  private markUnreachable(): void {
    this.silentTicks = 0;
    const reason = this.options.unreachableReason?.();
    if (reason) this.setState('not-answering', reason);
    else this.markSilent();
  }

  private setState(state: PollerState, reason: string | undefined): void {
    if (state === this.stateValue && reason === this.reasonValue) return;
    this.stateValue = state;
    this.reasonValue = reason;
    this.options.onStateChange?.(state, reason);
  }
}
