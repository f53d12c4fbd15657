// One kernel of a Jupyter Server as the source keeps it: its own KernelConnection (the kernel
// websocket, replaced when it stops carrying replies), the shell's busy/idle, and the sample a
// usage_reply becomes.

import { KernelConnection, type Kernel, type KernelMessage, type ServerConnection } from '@jupyterlab/services';
import { guardLibraryRejections } from './libraryRejections';
import { RemoteCellLedger } from './remoteCellLedger';
import { trackShellStatus } from './shellStatus';
import type { UsagePoller, UsageReading } from './usagePoller';
import type { KernelEntry, RemoteKernelSample } from './remoteKernelTypes';

/** What a kernel's connection reports to the source besides its shell status. */
export interface KernelEntryHooks {
  readonly makePoller: (entry: KernelEntry) => UsagePoller;
  readonly onIopub: (entry: KernelEntry, message: KernelMessage.IIOPubMessage) => void;
}

/**
 * Opens the kernel's connection; `makePoller` builds its usage poller, and the first request
 * goes out as soon as the socket is up, not one interval later.
 */
export function openKernelEntry(model: Kernel.IModel, notebook: string | undefined, server: string, settings: ServerConnection.ISettings, hooks: KernelEntryHooks): KernelEntry {
  const entry: KernelEntry = {
    kernelId: model.id,
    key: `${server}#${model.id}`,
    kernelName: model.name,
    notebook,
    connection: undefined as unknown as Kernel.IKernelConnection,
    poller: undefined as unknown as UsagePoller,
    cells: undefined as unknown as RemoteCellLedger,
    pid: undefined,
    hostname: undefined,
    hostTotalBytes: undefined,
    probedLimit: undefined,
    localKey: undefined,
    state: 'connecting',
    reason: undefined,
    // Not the server's execution_state: it also flips on control requests (ours). The shell's
    // own status comes at once on an idle kernel (the library's kernel_info_request).
    executionState: 'unknown',
    limit: undefined,
    lastBytes: 0,
    recentPeakBytes: 0,
    restarts: 0,
    silentSince: undefined,
    reconnects: 0,
  };
  entry.cells = new RemoteCellLedger(() => entry.connection.clientId);
  attachConnection(entry, settings, hooks);
  return entry;
}

/**
 * A new KernelConnection and poller in place of the entry's: a socket that stays "connected"
 * while nothing comes back (a proxy that dropped it half-way) is only cured by a new one.
 */
export function reconnectKernelEntry(entry: KernelEntry, settings: ServerConnection.ISettings, hooks: KernelEntryHooks): void {
  entry.poller.dispose();
  entry.connection.dispose();
  entry.reconnects++;
  entry.silentSince = undefined;
  attachConnection(entry, settings, hooks);
}

function attachConnection(entry: KernelEntry, settings: ServerConnection.ISettings, hooks: KernelEntryHooks): void {
  const connection = guardLibraryRejections(new KernelConnection({ model: { id: entry.kernelId, name: entry.kernelName }, serverSettings: settings, handleComms: false }));
  entry.connection = connection;
  entry.poller = hooks.makePoller(entry);
  trackShellStatus(connection, (state) => (entry.executionState = state));
  connection.iopubMessage.connect((_, message) => hooks.onIopub(entry, message));
  connection.connectionStatusChanged.connect((_, status) => {
    if (status === 'connected' && !entry.poller.requestInFlight && !entry.localKey && entry.state !== 'ended') entry.poller.tick();
  });
}

/** Why no usage request can go to the kernel now, in plain words; undefined when one can. */
export function connectionProblem(connection: Kernel.IKernelConnection): string | undefined {
  if (connection.isDisposed) return 'its connection was closed';
  if (connection.status === 'dead') return 'the kernel is dead';
  switch (connection.connectionStatus) {
    case 'connected':
      return undefined;
    case 'connecting':
      return 'its websocket (/api/kernels/…/channels) has not connected; the server or a proxy may refuse websockets';
    case 'disconnected':
      return 'its websocket was closed';
  }
}

/** A usage_reply as the same sample the local sampler emits, keyed by the kernel's series. */
export function sampleOfReading(entry: KernelEntry, reading: UsageReading, server: string): RemoteKernelSample {
  const { usage } = reading;
  return {
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
    server,
    origin: 'usage_reply',
    roundTripMs: reading.roundTripMs,
  };
}
