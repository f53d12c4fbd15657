// One kernel of a Jupyter Server as the source keeps it: its own KernelConnection (the kernel
// websocket), the shell's busy/idle, and the sample a usage_reply becomes.

import { KernelConnection, type Kernel, type ServerConnection } from '@jupyterlab/services';
import { trackShellStatus } from './shellStatus';
import type { UsagePoller, UsageReading } from './usagePoller';
import type { KernelEntry, RemoteKernelSample } from './remoteKernelTypes';

/**
 * Opens the kernel's connection; `makePoller` builds its usage poller, and the first request
 * goes out as soon as the socket is up, not one interval later.
 */
export function openKernelEntry(model: Kernel.IModel, notebook: string | undefined, server: string, settings: ServerConnection.ISettings, makePoller: (entry: KernelEntry) => UsagePoller): KernelEntry {
  const connection = new KernelConnection({ model: { id: model.id, name: model.name }, serverSettings: settings, handleComms: false });
  const entry: KernelEntry = {
    kernelId: model.id,
    key: `${server}#${model.id}`,
    kernelName: model.name,
    notebook,
    connection,
    poller: undefined as unknown as UsagePoller,
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
    restarts: 0,
  };
  entry.poller = makePoller(entry);
  trackShellStatus(connection, (state) => (entry.executionState = state));
  connection.connectionStatusChanged.connect((_, status) => {
    if (status === 'connected' && !entry.poller.requestInFlight && !entry.localKey && entry.state !== 'ended') entry.poller.tick();
  });
  return entry;
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
