// One listing of a Jupyter Server's kernels and sessions applied to what the source keeps: new
// kernels are opened, a session's notebook path names its kernel, a dead or unlisted kernel
// ends (shut down or culled: it will not come back). Pure over the library's REST models.

import type { Kernel } from '@jupyterlab/services';
import type { KernelEntry } from './remoteKernelTypes';

export interface SessionModel {
  readonly path: string;
  readonly kernel: { readonly id: string } | null;
}

export interface ListingHooks {
  open(model: Kernel.IModel, notebook: string | undefined): KernelEntry;
  end(entry: KernelEntry): void;
}

/** Applies the listing to `entries` (by kernel id); true when the kernel list changed. */
export function applyListing(entries: Map<string, KernelEntry>, models: readonly Kernel.IModel[], sessions: readonly SessionModel[], hooks: ListingHooks): boolean {
  const notebooks = new Map<string, string>();
  for (const session of sessions) if (session.kernel) notebooks.set(session.kernel.id, session.path);
  let changed = false;
  const listed = new Set<string>();
  for (const model of models) {
    listed.add(model.id);
    const notebook = notebooks.get(model.id);
    const entry = entries.get(model.id);
    if (!entry) {
      entries.set(model.id, hooks.open(model, notebook));
      changed = true;
      continue;
    }
    if (entry.state === 'ended') continue;
    if (entry.notebook !== notebook && notebook !== undefined) {
      entry.notebook = notebook;
      changed = true;
    }
    if (model.execution_state === 'dead') {
      hooks.end(entry);
      changed = true;
    }
  }
  for (const entry of [...entries.values()]) {
    if (listed.has(entry.kernelId)) continue;
    if (entry.state !== 'ended') hooks.end(entry);
    entries.delete(entry.kernelId); // shut down or culled: it will not come back
    changed = true;
  }
  return changed;
}
