// A Jupyter Server's kernels as series of the memory model: each kernel under its notebook's
// name, with the source kind `remote`, restart markers, the series' end when the kernel goes,
// and a note saying what the figure is (or why there is none). Pure (no `vscode`).

import type { Disposable, SampleSource } from '../core/sampleSource';
import type { RemoteKernelRestart, RemoteKernelView } from '../remote/jupyterServerSource';
import type { MemoryModel } from './memoryModel';

/** What the feed needs of a JupyterServerSource. */
export interface RemoteKernelSource extends SampleSource {
  readonly address: { readonly display: string };
  kernels(): RemoteKernelView[];
  onRestart(listener: (restart: RemoteKernelRestart) => void): Disposable;
  onDidChangeKernels(listener: (kernels: readonly RemoteKernelView[]) => void): Disposable;
  onServerGone(listener: (reason: string) => void): Disposable;
}

/** The notebook's file name when a session holds the kernel, else the source's label. */
export function remoteLabel(view: RemoteKernelView): string {
  if (!view.notebook) return view.label;
  const name = view.notebook.split('/').filter(Boolean).pop();
  return name ?? view.notebook;
}

/** A short word while the kernel gives no figure; '' once it does (or has ended). */
export function remoteStatus(view: RemoteKernelView): string {
  switch (view.state) {
    case 'connecting':
      return 'connecting';
    case 'not-answering':
      return 'not answering';
    case 'no-usage':
      return 'does not report its memory';
    case 'sampling':
    case 'ended':
      return '';
    default: {
      const never: never = view.state;
      return never;
    }
  }
}

/** What the gauge's tooltip and the panel say about a remote kernel's figure. */
export function remoteNote(view: RemoteKernelView): string {
  const where = `kernel ${view.kernelId.slice(0, 8)} on ${view.server}`;
  switch (view.state) {
    case 'connecting':
      return `${where}: connecting`;
    case 'sampling':
      return view.sampledLocally
        ? `${where}: runs on this machine, so PID ${view.pid} is read from /proc (RSS of the kernel and its children)`
        : `${where}: the memory the kernel reports (usage_reply: PSS, else RSS, of the kernel and its children)`;
    case 'not-answering':
      return `${where}: not answering (${view.reason ?? 'no usage_reply'})`;
    case 'no-usage':
      return `${where}: ${view.reason ?? 'this kernel does not report its memory'}`;
    case 'ended':
      return `${where}: ended (${view.reason ?? 'gone'})`;
    default: {
      const never: never = view.state;
      return never;
    }
  }
}

export class RemoteKernelFeed implements Disposable {
  private readonly seriesIds = new Set<string>();
  private readonly subscriptions: Disposable[];

  constructor(
    private readonly model: MemoryModel,
    private readonly source: RemoteKernelSource,
  ) {
    this.subscriptions = [
      source.onDidChangeKernels((kernels) => this.sync(kernels)),
      source.onRestart((restart) => this.model.fed.markRestart(restart.key, restart.pid, restart.t)),
      // Samples after the kernel list so a kernel's first reply finds its series.
      source.onSample((sample) => this.beforeSample(sample.processKey)),
      model.fed.attach(source),
      source.onServerGone(() => this.sync(source.kernels())),
    ];
    this.sync(source.kernels());
  }

  /** The series this server feeds, by series id (the source's kernel key). */
  get series(): ReadonlySet<string> {
    return this.seriesIds;
  }

  /** Stops feeding and drops this server's series from the model (a Disconnect). */
  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const seriesId of this.seriesIds) this.model.unwatch(seriesId);
    this.seriesIds.clear();
  }

  private sync(kernels: readonly RemoteKernelView[]): void {
    for (const view of kernels) {
      const fields = { label: remoteLabel(view), note: remoteNote(view), status: remoteStatus(view), ...(view.pid !== undefined ? { pid: view.pid } : {}), ...(view.limit ? { limit: view.limit } : {}) };
      if (this.seriesIds.has(view.key)) {
        this.model.fed.update(view.key, fields);
      } else if (view.state !== 'ended') {
        this.seriesIds.add(view.key);
        this.model.fed.watch({ seriesId: view.key, pid: view.pid ?? 0, label: fields.label, source: 'remote', limit: view.limit, note: fields.note, status: fields.status || undefined });
      }
    }
  }

  /** A kernel's first reply carries its PID and the host's RAM: bring the series up to date first. */
  private beforeSample(seriesId: string): void {
    const view = this.source.kernels().find((kernel) => kernel.key === seriesId);
    if (!view) return;
    const current = this.model.process(seriesId);
    if (!current) {
      this.sync([view]);
    } else if ((view.limit && current.limitBytes !== view.limit.bytes) || (view.pid !== undefined && current.pid !== view.pid)) {
      this.model.fed.update(seriesId, { ...(view.pid !== undefined ? { pid: view.pid } : {}), ...(view.limit ? { limit: view.limit } : {}), note: remoteNote(view), status: remoteStatus(view) });
    }
  }
}
