// Every kernel of one Jupyter Server as a watched process, through Jupyter's own client library.
// Pure (no `vscode`): the CLI uses it directly, the VS Code adapter wraps it. It emits the same
// `TreeSample`/`TreeExit` events as the local process-tree sampler, keyed by kernel, plus what
// only a server knows: the kernel list with notebook labels, restarts, and the server's going.

import * as os from 'node:os';
import { KernelAPI, KernelConnection, SessionAPI, type Kernel, type ServerConnection } from '@jupyterlab/services';
import { readMemoryLimit, type MemoryLimit } from '../core/limits';
import type { Disposable, SampleSource, TreeSample } from '../core/sampler';
import { LocalKernelShortcut } from './localKernelShortcut';
import { checkServer, describeRequestFailure, makeServerSettings } from './serverConnection';
import { parseServerUrl, type ServerAddress } from './serverUrl';
import { ServerBridgeKernel } from './serverBridgeKernel';
import { trackShellStatus } from './shellStatus';
import { UsagePoller, type PollerState, type UsageReading } from './usagePoller';
import { sendUsageRequest } from './usageRequest';
import {
  viewOf,
  type JupyterServerSourceOptions,
  type KernelEntry,
  type RemoteKernelExit,
  type RemoteKernelRestart,
  type RemoteKernelSample,
  type RemoteKernelView,
} from './remoteKernelTypes';

// The public shapes live beside the source; importing them from here keeps working.
export type { JupyterServerSourceOptions, RemoteKernelExit, RemoteKernelRestart, RemoteKernelSample, RemoteKernelState, RemoteKernelView } from './remoteKernelTypes';
export { kernelLabel } from './remoteKernelTypes';

type Listener<T> = (value: T) => void;

export class JupyterServerSource implements SampleSource, Disposable {
  readonly address: ServerAddress;
  readonly settings: ServerConnection.ISettings;
  readonly intervalMs: number;
  private readonly refreshMs: number;
  private readonly goneAfterFailures: number;
  private readonly sampleLocally: boolean;
  private readonly now: () => number;
  private limitOverrideBytes: number | undefined;
  private readonly kernelApi: KernelAPI.KernelAPIClient;
  private readonly sessionApi: SessionAPI.SessionAPIClient;
  private readonly entries = new Map<string, KernelEntry>(); // by kernel id
  private readonly local: LocalKernelShortcut;
  private readonly sampleListeners = new Set<Listener<RemoteKernelSample>>();
  private readonly exitListeners = new Set<Listener<RemoteKernelExit>>();
  private readonly restartListeners = new Set<Listener<RemoteKernelRestart>>();
  private readonly kernelsListeners = new Set<Listener<readonly RemoteKernelView[]>>();
  private readonly goneListeners = new Set<Listener<string>>();
  private tickTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private failures = 0;
  private goneReason: string | undefined;
  private disposed = false;

  private constructor(options: JupyterServerSourceOptions) {
    this.address = parseServerUrl(options.url);
    this.settings = makeServerSettings(this.address, options.token, { verifyCertificate: options.verifyCertificate });
    this.intervalMs = options.intervalMs ?? 1000;
    this.refreshMs = options.refreshMs ?? 3000;
    this.goneAfterFailures = options.goneAfterFailures ?? 3;
    this.sampleLocally = options.sampleLocally ?? true;
    this.now = options.now ?? Date.now;
    this.limitOverrideBytes = options.limitOverrideBytes;
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

  onSample(listener: Listener<RemoteKernelSample>): Disposable {
    return subscribe(this.sampleListeners, listener);
  }

  onExit(listener: Listener<RemoteKernelExit>): Disposable {
    return subscribe(this.exitListeners, listener);
  }

  /** A kernel restarted (a new PID, same kernel id): mark it; its series continues. */
  onRestart(listener: Listener<RemoteKernelRestart>): Disposable {
    return subscribe(this.restartListeners, listener);
  }

  /** The kernel list changed: a kernel came or went, its label, state or PID changed. */
  onDidChangeKernels(listener: Listener<readonly RemoteKernelView[]>): Disposable {
    return subscribe(this.kernelsListeners, listener);
  }

  /** The server stopped answering (or refused the token); every series has ended. */
  onServerGone(listener: Listener<string>): Disposable {
    return subscribe(this.goneListeners, listener);
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

  /** The library's connection to a kernel, for the kernel bridge (execute_request) on it. */
  connectionOf(kernelId: string): Kernel.IKernelConnection | undefined {
    return this.entries.get(kernelId)?.connection;
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
    this.sampleListeners.clear();
    this.exitListeners.clear();
    this.restartListeners.clear();
    this.kernelsListeners.clear();
    this.goneListeners.clear();
  }

  private tick(): void {
    for (const entry of this.entries.values()) {
      if (entry.state !== 'ended' && !entry.localKey) entry.poller.tick();
    }
  }

  private async refreshOnce(first: boolean): Promise<void> {
    let models: Kernel.IModel[];
    let sessions: Array<{ path: string; kernel: { id: string } | null }>;
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
    const notebooks = new Map<string, string>();
    for (const session of sessions) if (session.kernel) notebooks.set(session.kernel.id, session.path);
    let changed = false;
    const listed = new Set<string>();
    for (const model of models) {
      listed.add(model.id);
      const notebook = notebooks.get(model.id);
      const entry = this.entries.get(model.id);
      if (!entry) {
        this.entries.set(model.id, this.openEntry(model, notebook));
        changed = true;
        continue;
      }
      if (entry.state === 'ended') continue;
      if (entry.notebook !== notebook && notebook !== undefined) {
        entry.notebook = notebook;
        changed = true;
      }
      if (model.execution_state === 'dead') {
        this.endEntry(entry, 'shut-down');
        changed = true;
      }
    }
    for (const entry of [...this.entries.values()]) {
      if (listed.has(entry.kernelId)) continue;
      if (entry.state !== 'ended') this.endEntry(entry, 'shut-down');
      this.entries.delete(entry.kernelId); // shut down or culled: it will not come back
      changed = true;
    }
    if (changed) this.emitKernels();
  }

  private openEntry(model: Kernel.IModel, notebook: string | undefined): KernelEntry {
    const connection = new KernelConnection({ model: { id: model.id, name: model.name }, serverSettings: this.settings, handleComms: false });
    const entry: KernelEntry = {
      kernelId: model.id,
      key: `${this.address.display}#${model.id}`,
      kernelName: model.name,
      notebook,
      connection,
      poller: undefined as unknown as UsagePoller,
      pid: undefined,
      hostname: undefined,
      hostTotalBytes: undefined,
      localKey: undefined,
      state: 'connecting',
      reason: undefined,
      // Not the server's execution_state: it also flips on control requests (ours). The shell's
      // own status comes at once on an idle kernel (the library's kernel_info_request).
      executionState: 'unknown',
      limit: undefined,
      lastBytes: 0,
      restarts: 0,
    };
    entry.poller = this.makePoller(entry);
    trackShellStatus(connection, (state) => (entry.executionState = state));
    // The first request as soon as the socket is up, not one interval later.
    connection.connectionStatusChanged.connect((_, status) => {
      if (status === 'connected' && !entry.poller.requestInFlight && !entry.localKey && entry.state !== 'ended') entry.poller.tick();
    });
    return entry;
  }

  private makePoller(entry: KernelEntry): UsagePoller {
    return new UsagePoller({
      request: () => sendUsageRequest(entry.connection),
      onReading: (reading) => this.onReading(entry, reading),
      onStateChange: (state, reason) => this.onPollerState(entry, state, reason),
      now: this.now,
    });
  }

  private onReading(entry: KernelEntry, reading: UsageReading): void {
    if (entry.state === 'ended') return;
    const { usage } = reading;
    const changedPid = usage.pid !== undefined && usage.pid !== entry.pid;
    if (changedPid && entry.pid !== undefined) {
      entry.restarts++;
      this.emit(this.restartListeners, { key: entry.key, kernelId: entry.kernelId, server: this.address.display, t: reading.t, previousPid: entry.pid, pid: usage.pid });
    }
    const wasState = entry.state;
    entry.pid = usage.pid ?? entry.pid;
    entry.hostname = usage.hostname;
    entry.hostTotalBytes = usage.hostTotalBytes;
    entry.state = 'sampling';
    entry.reason = undefined;
    if (changedPid || !entry.limit) entry.limit = this.limitFor(entry);
    entry.lastBytes = usage.memoryBytes;
    this.emit(this.sampleListeners, {
      processKey: entry.key,
      pid: entry.pid ?? 0,
      t: reading.t,
      // ipykernel's usage_reply sums the kernel and its children as PSS (psutil's memory_full_info on
      // Linux), so the figure counts shared pages once, as the local sampler's tree figure does
      memoryBytes: usage.memoryBytes,
      measure: 'pss',
      measureNote: "as the kernel reports it (ipykernel's usage_reply)",
      rssBytes: usage.memoryBytes,
      selfBytes: usage.memoryBytes,
      children: [],
      kernelId: entry.kernelId,
      server: this.address.display,
      origin: 'usage_reply',
      roundTripMs: reading.roundTripMs,
    });
    if (changedPid && this.sampleLocally) void this.tryLocal(entry);
    if (changedPid || wasState !== 'sampling') this.emitKernels();
  }

  private onPollerState(entry: KernelEntry, state: PollerState, reason: string | undefined): void {
    if (entry.state === 'ended' || state === 'answering' || state === 'waiting') return;
    entry.state = state;
    entry.reason = reason;
    this.emitKernels();
  }

  /** The kernel's PID is visible here and is an ipykernel: read it from /proc instead. */
  private async tryLocal(entry: KernelEntry): Promise<void> {
    const pid = entry.pid;
    if (pid === undefined || entry.localKey) return;
    const processKey = await this.local.tryWatch(entry.key, pid, entry.hostname, entry.notebook ?? entry.kernelId);
    if (!processKey) return;
    if (entry.state === 'ended' || entry.pid !== pid) {
      this.local.unwatch(processKey);
      return;
    }
    entry.localKey = processKey;
    entry.limit = this.limitFor(entry);
    entry.poller.dispose();
    this.emitKernels();
  }

  private onLocalSample(seriesKey: string, sample: TreeSample): void {
    const entry = this.entryOfSeries(seriesKey);
    if (!entry || entry.state === 'ended') return;
    entry.lastBytes = sample.memoryBytes; // the tree figure (PSS with children), as the local sampler reports it
    this.emit(this.sampleListeners, { ...sample, processKey: entry.key, kernelId: entry.kernelId, server: this.address.display, origin: 'procfs' });
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
    for (const entry of this.entries.values()) if (entry.key === seriesKey) return entry;
    return undefined;
  }

  private limitFor(entry: KernelEntry): MemoryLimit | undefined {
    if (this.limitOverrideBytes !== undefined && this.limitOverrideBytes > 0) return { bytes: this.limitOverrideBytes, source: 'override' };
    // Here, the kernel's own cgroup is readable; remotely, the host's RAM is what the reply gives.
    if (entry.localKey && entry.pid !== undefined) return readMemoryLimit(entry.pid);
    return entry.hostTotalBytes === undefined ? undefined : { bytes: entry.hostTotalBytes, source: 'kernel-host' };
  }

  private endEntry(entry: KernelEntry, cause: RemoteKernelExit['cause']): void {
    if (entry.state === 'ended') return;
    entry.state = 'ended';
    entry.reason = cause === 'server-gone' ? 'the server is gone' : 'shut down';
    this.closeEntry(entry);
    this.emit(this.exitListeners, {
      processKey: entry.key,
      pid: entry.pid ?? 0,
      t: this.now(),
      lastRssBytes: entry.lastBytes,
      reason: 'exited',
      kernelId: entry.kernelId,
      server: this.address.display,
      cause,
    });
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
    this.emit(this.goneListeners, reason);
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
  }

  private emitKernels(): void {
    this.emit(this.kernelsListeners, this.kernels());
  }

  private emit<T>(listeners: Set<Listener<T>>, value: T): void {
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch {
        // a listener's bug must not stop sampling
      }
    }
  }


}

function subscribe<T>(listeners: Set<Listener<T>>, listener: Listener<T>): Disposable {
  listeners.add(listener);
  return { dispose: () => listeners.delete(listener) };
}
