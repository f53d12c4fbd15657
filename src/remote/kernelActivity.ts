// What happens to one kernel of a Jupyter Server between listings: its figures (from usage_reply
// or /proc), its iopub traffic (cells, and the server's notice that it died), and silence that
// calls for a new connection. Functions over the source's KernelEntry, so the source itself
// keeps only the listing and the wiring. Pure (no `vscode`).

import type { KernelMessage } from '@jupyterlab/services';
import type { SourceEvents } from './listeners';
import { kernelLabel, type KernelEntry } from './remoteKernelTypes';

export interface ActivityContext {
  readonly server: string;
  readonly events: SourceEvents;
  readonly now: () => number;
}

/** Over a few seconds the recent peak decays to the current figure (2 % a sample). */
const PEAK_DECAY = 0.98;

/** A figure of the kernel measured at `t` (ms, our clock): the last and recent-peak figures, and the ledger's sample. */
export function noteFigure(context: ActivityContext, entry: KernelEntry, t: number, bytes: number): void {
  entry.lastBytes = bytes;
  entry.recentPeakBytes = Math.max(bytes, entry.recentPeakBytes * PEAK_DECAY);
  if (entry.cells.sample(t, bytes)) context.events.ledger.fire(entry.key);
}

/** An iopub message the kernel broadcast: a cell's start or end, or its death. */
export function noteIopub(context: ActivityContext, entry: KernelEntry, message: KernelMessage.IIOPubMessage): void {
  if (entry.state === 'ended') return;
  const event = entry.cells.iopub(message, context.now());
  if (!event) return;
  // A cell's entry closes on the first figure after its end: ask now, not up to an interval later.
  if (event.kind === 'ended' && !entry.localKey && !entry.poller.requestInFlight) entry.poller.tick();
  if (event.kind === 'died') {
    const running = event.running;
    context.events.death.fire({
      key: entry.key,
      kernelId: entry.kernelId,
      server: context.server,
      label: kernelLabel(entry.notebook, entry.kernelName, entry.kernelId),
      t: context.now(),
      lastBytes: entry.lastBytes,
      recentPeakBytes: entry.recentPeakBytes,
      limit: entry.limit,
      runningCell: running && { label: running.label, executionOrder: running.executionOrder },
    });
  }
  context.events.ledger.fire(entry.key);
}

/** Whether a kernel that stopped answering has been silent long enough for a new connection. */
export function dueForReconnect(entry: KernelEntry, now: number, reconnectAfterMs: number): boolean {
  return entry.state === 'not-answering' && !entry.localKey && entry.silentSince !== undefined && now - entry.silentSince >= reconnectAfterMs;
}
