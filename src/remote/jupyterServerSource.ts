// Every kernel of one Jupyter Server as a watched process, through Jupyter's own client library.
// Pure (no `vscode`): the CLI uses it directly, the VS Code adapter wraps it. It emits the same
// `TreeSample`/`TreeExit` events as the local process-tree sampler, keyed by kernel, plus what
// only a server knows: the kernel list with notebook labels, restarts, and the server's going.

import * as os from 'node:os';
import { KernelAPI, SessionAPI, type Kernel, type ServerConnection } from '@jupyterlab/services';
import type { MemoryLimit } from '../core/limits';
import type { LedgerEntry } from '../kernel/cellLedger';
import type { Disposable, SampleSource, TreeSample } from '../core/sampler';
import { applyListing, type SessionModel } from './kernelListing';
import { SourceEventApi } from './listeners';
import { LocalKernelShortcut } from './localKernelShortcut';
import { dueForReconnect, noteFigure, noteIopub, type ActivityContext } from './kernelActivity';
import { connectionProblem, openKernelEntry, reconnectKernelEntry, sampleOfReading, type KernelEntryHooks } from './remoteKernelEntry';
import { remoteKernelLimit } from './remoteLimit';
import { checkServer, describeRequestFailure, makeServerSettings } from './serverConnection';
import { parseServerUrl, type ServerAddress } from './serverUrl';
import { ServerBridgeKernel } from './serverBridgeKernel';
import { UsagePoller, type PollerState, type UsageReading } from './usagePoller';
import { sendUsageRequest } from './usageRequest';
import {
  viewOf,
  type JupyterServerSourceOptions,
  type KernelEntry,
  type RemoteKernelExit,
  type RemoteKernelView,
} from './remoteKernelTypes';

// The public shapes live beside the source; importing them from here keeps working.
export type { JupyterServerSourceOptions, RemoteKernelDeath, RemoteKernelExit, RemoteKernelRestart, RemoteKernelSample, RemoteKernelState, RemoteKernelView } from './remoteKernelTypes';
export { kernelLabel } from './remoteKernelTypes';

export class JupyterServerSource extends SourceEventApi implements SampleSource, Disposable {
  readonly address: ServerAddress;
  readonly settings: ServerConnection.ISettings;
  readonly intervalMs: number;
  private readonly refreshMs: number;
  private readonly goneAfterFailures: number;
  private readonly reconnectAfterMs: number;
  private readonly sampleLocally: boolean;
  private readonly now: () => number;
  private limitOverrideBytes: number | undefined;
  private readonly kernelApi: KernelAPI.KernelAPIClient;
  private readonly sessionApi: SessionAPI.SessionAPIClient;
  private readonly entries = new Map<string, KernelEntry>(); // by kernel id
  private readonly local: LocalKernelShortcut;
  private readonly activity: ActivityContext;
  private readonly hooks: KernelEntryHooks = { makePoller: (entry) => this.makePoller(entry), onIopub: (entry, message) => noteIopub(this.activity, entry, message) };
  private tickTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private failures = 0;
  private goneReason: string | undefined;
  private disposed = false;

  private constructor(options: JupyterServerSourceOptions) {
    super();
    this.address = parseServerUrl(options.url);
    this.settings = makeServerSettings(this.address, options.token, { verifyCertificate: options.verifyCertificate });
    this.intervalMs = options.intervalMs ?? 1000;
    this.refreshMs = options.refreshMs ?? 3000;
    this.goneAfterFailures = options.goneAfterFailures ?? 3;
    this.reconnectAfterMs = options.reconnectAfterMs ?? 10_000;
    this.sampleLocally = options.sampleLocally ?? true;
    this.now = options.now ?? Date.now;
    this.limitOverrideBytes = options.limitOverrideBytes;
    this.activity = { server: this.address.display, events: this.events, now: this.now };
    this.kernelApi = new KernelAPI.KernelAPIClient({ serverSettings: this.settings });
    this.sessionApi = new SessionAPI.SessionAPIClient({ serverSettings: this.settings });
    this.local = new LocalKernelShortcut({
      intervalMs: this.intervalMs,
      localHostname: options.localHostname ?? os.hostname(),
      now: this.now,
      onSample: (seriesKey, sample) => this.onLocalSample(seriesKey, sample),
      onExit: (seriesKey) => this.onLocalExit(seriesKey),
    });
  }

  /**
   * Checks the server and the token, lists its kernels and starts sampling. Throws
   * `ServerUrlError` for a malformed URL and `RemoteServerError` (kind `refused-token`,
   * `unreachable`, `not-jupyter`, `http`) with a message that names the server, never the token.
   */
  static async connect(options: JupyterServerSourceOptions): Promise<JupyterServerSource> {
    const source = new JupyterServerSource(options);
    try {
      await checkServer(source.address, source.settings);
      await source.refreshOnce(true);
    } catch (error) {
      source.dispose();
      throw error;
    }
    source.tickTimer = setInterval(() => source.tick(), source.intervalMs);
    source.refreshTimer = setInterval(() => void source.refresh(), source.refreshMs);
    return source;
  }

  get gone(): string | undefined {
    return this.goneReason;
  }

  kernels(): RemoteKernelView[] {
    return [...this.entries.values()].map((entry) => viewOf(entry, this.address.display));
  }

  kernel(kernelId: string): RemoteKernelView | undefined {
    const entry = this.entries.get(kernelId);
    return entry && viewOf(entry, this.address.display);
  }

  /** A kernel's cells as iopub showed them, oldest first (by kernel id). */
  ledgerOf(kernelId: string): readonly LedgerEntry[] {
    return this.entries.get(kernelId)?.cells.list() ?? [];
  }

  /**
   * The kernel bridge's seam over this kernel's connection (diagnose, release, probe), or
   * undefined for a kernel not listed. Consent is the caller's to ask, before the first code.
   */
  bridgeKernelOf(kernelId: string): ServerBridgeKernel | undefined {
    const entry = this.entries.get(kernelId);
    if (!entry || entry.state === 'ended') return undefined;
    const language = /^python/i.test(entry.kernelName) ? 'python' : entry.kernelName;
    return new ServerBridgeKernel(entry.connection, language, entry.executionState);
  }

  /** The kernel's cgroup limit as its probe read it (the kernel bridge runs the probe, with consent). */
  setProbedLimit(kernelId: string, limit: MemoryLimit | undefined): void {
    const entry = this.entries.get(kernelId);
    if (!entry || entry.state === 'ended') return;
    entry.probedLimit = limit;
    entry.limit = this.limitFor(entry);
    this.emitKernels();
  }

  setLimitOverride(bytes: number | undefined): void {
    this.limitOverrideBytes = bytes;
    for (const entry of this.entries.values()) entry.limit = this.limitFor(entry);
  }

  /** Lists kernels and sessions now (also done every `refreshMs`). Overlapping calls share one. */
  refresh(): Promise<void> {
    if (this.disposed || this.goneReason) return Promise.resolve();
    this.refreshing ??= this.refreshOnce(false).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    for (const entry of this.entries.values()) this.closeEntry(entry);
    this.entries.clear();
    this.local.dispose();
    this.events.clear();
  }

  private tick(): void {
    const now = this.now();
    for (const entry of this.entries.values()) {
      if (entry.state === 'ended' || entry.localKey) continue;
      if (dueForReconnect(entry, now, this.reconnectAfterMs)) reconnectKernelEntry(entry, this.settings, this.hooks);
      entry.poller.tick();
    }
  }

  private async refreshOnce(first: boolean): Promise<void> {
    let models: Kernel.IModel[];
    let sessions: SessionModel[];
    try {
      [models, sessions] = await Promise.all([this.kernelApi.listRunning(), this.sessionApi.listRunning()]);
    } catch (error) {
      const failure = describeRequestFailure(this.address, error);
      if (first) throw failure;
      if (++this.failures >= this.goneAfterFailures || failure.kind === 'refused-token') this.serverGone(failure.message);
      return;
    }
    if (this.disposed) return;
    this.failures = 0;
    const changed = applyListing(this.entries, models, sessions, {
      open: (model, notebook) => openKernelEntry(model, notebook, this.address.display, this.settings, this.hooks),
      end: (entry) => this.endEntry(entry, 'shut-down'),
    });
    if (changed) this.emitKernels();
  }

  private makePoller(entry: KernelEntry): UsagePoller {
    return new UsagePoller({
      request: () => sendUsageRequest(entry.connection),
      onReading: (reading) => this.onReading(entry, reading),
      onStateChange: (state, reason) => this.onPollerState(entry, state, reason),
      unreachableReason: () => connectionProblem(entry.connection),
      answeredBefore: entry.pid !== undefined,
      now: this.now,
    });
  }

  private onReading(entry: KernelEntry, reading: UsageReading): void {
    if (entry.state === 'ended') return;
    const { usage } = reading;
    const changedPid = usage.pid !== undefined && usage.pid !== entry.pid;
    if (changedPid && entry.pid !== undefined) {
      entry.restarts++;
      this.events.restart.fire({ key: entry.key, kernelId: entry.kernelId, server: this.address.display, t: reading.t, previousPid: entry.pid, pid: usage.pid });
    }
    const wasState = entry.state;
    entry.pid = usage.pid ?? entry.pid;
    entry.hostname = usage.hostname;
    entry.hostTotalBytes = usage.hostTotalBytes;
    entry.state = 'sampling';
    entry.reason = undefined;
    entry.silentSince = undefined;
    if (changedPid || !entry.limit) entry.limit = this.limitFor(entry);
    entry.cells.clock.observe(reading.kernelMs, reading.t - reading.roundTripMs, reading.t);
    // The ledger places it when the kernel measured it (its reply's date), not when it got here.
    noteFigure(this.activity, entry, reading.kernelMs !== undefined ? entry.cells.clock.toLocal(reading.kernelMs) : reading.t, usage.memoryBytes);
    this.events.sample.fire(sampleOfReading(entry, reading, this.address.display));
    if (changedPid && this.sampleLocally) void this.tryLocal(entry);
    if (changedPid || wasState !== 'sampling') this.emitKernels();
  }

  private onPollerState(entry: KernelEntry, state: PollerState, reason: string | undefined): void {
    if (entry.state === 'ended' || state === 'answering' || state === 'waiting') return;
    if (state === 'not-answering') entry.silentSince ??= this.now();
    entry.state = state;
    entry.reason = reason;
    this.emitKernels();
  }

  /** The kernel's PID is visible here and is an ipykernel: read it from /proc instead. */
  private async tryLocal(entry: KernelEntry): Promise<void> {
    if (!(await this.local.switchToLocal(entry))) return;
    entry.limit = this.limitFor(entry);
    this.emitKernels();
  }

  private onLocalSample(seriesKey: string, sample: TreeSample): void {
    const entry = this.entryOfSeries(seriesKey);
    if (!entry || entry.state === 'ended') return;
    noteFigure(this.activity, entry, sample.t, sample.memoryBytes); // the tree figure (PSS with children), as the local sampler reports it
    this.events.sample.fire({ ...sample, processKey: entry.key, kernelId: entry.kernelId, server: this.address.display, origin: 'procfs' });
  }

  /** The local PID ended: a restart or a shutdown. The protocol tells which. */
  private onLocalExit(seriesKey: string): void {
    const entry = this.entryOfSeries(seriesKey);
    if (!entry || entry.state === 'ended') return;
    entry.localKey = undefined;
    entry.poller = this.makePoller(entry);
    entry.poller.tick();
    this.emitKernels();
    void this.refresh();
  }

  private entryOfSeries(seriesKey: string): KernelEntry | undefined {
    return [...this.entries.values()].find((entry) => entry.key === seriesKey);
  }

  private limitFor(entry: KernelEntry): ReturnType<typeof remoteKernelLimit> {
    return remoteKernelLimit(entry, this.limitOverrideBytes);
  }

  private endEntry(entry: KernelEntry, cause: RemoteKernelExit['cause']): void {
    if (entry.state === 'ended') return;
    entry.state = 'ended';
    entry.reason = cause === 'server-gone' ? 'the server is gone' : 'shut down';
    this.closeEntry(entry);
    if (entry.cells.closePending()) this.events.ledger.fire(entry.key);
    const { key: processKey, kernelId, lastBytes: lastRssBytes } = entry;
    this.events.exit.fire({ processKey, pid: entry.pid ?? 0, t: this.now(), lastRssBytes, reason: 'exited', kernelId, server: this.address.display, cause });
  }

  private closeEntry(entry: KernelEntry): void {
    entry.poller.dispose();
    if (entry.localKey) this.local.unwatch(entry.localKey);
    entry.localKey = undefined;
    entry.connection.dispose();
  }

  private serverGone(reason: string): void {
    if (this.goneReason) return;
    this.goneReason = reason;
    for (const entry of this.entries.values()) this.endEntry(entry, 'server-gone');
    this.emitKernels();
    this.events.gone.fire(reason);
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
  }

  private emitKernels(): void {
    this.events.kernels.fire(this.kernels());
  }
}
