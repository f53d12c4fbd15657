import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../../core/format';
import { readOomKillCount } from '../../core/limits';
import { CellLedger } from '../../kernel/cellLedger';
import { KernelBridge, KernelBusyError, type BridgeKernel } from '../../kernel/kernelBridge';
import type { MemoryModel } from '../../model/memoryModel';
import type { KernelProvider } from './jupyterKernels';
import type { CellOutcome } from './cellExecutions';

/** What is known about one notebook's kernel: its bridge, its PID, its cells' ledger. */
export interface KernelSession {
  readonly notebook: vscode.NotebookDocument;
  readonly seriesId: string;
  kernel?: BridgeKernel;
  bridge?: KernelBridge;
  pid?: number;
  readonly ledger: CellLedger;
  lastReleaseAt?: number;
  oomKillsAtStart?: number;
  recentPeak: number;
  /** A cell that ended and waits for the sample taken at its end before its ledger entry closes. */
  pendingEnd?: { cellId: string; endedAt: number; outcome: CellOutcome; executionOrder: number | null; startedAt?: number };
  statusSubscription?: vscode.Disposable;
}

export function notebookName(notebook: vscode.NotebookDocument): string {
  return path.basename(notebook.uri.fsPath || notebook.uri.path);
}

/** A cell's id in the ledger: stable while the notebook is open. */
export function cellId(cell: vscode.NotebookCell): string {
  return `${cell.notebook.uri.toString()}#${cell.document.uri.fragment || cell.index}`;
}

/** Shows the cell a ledger row names (the inverse of `cellId`), if its notebook is open. */
export function revealCell(id: string): void {
  const [notebookUri, fragment] = id.split('#');
  const notebook = vscode.workspace.notebookDocuments.find((doc) => doc.uri.toString() === notebookUri);
  const cell = notebook?.getCells().find((c) => (c.document.uri.fragment || String(c.index)) === fragment);
  if (!notebook || !cell) return;
  void vscode.window.showNotebookDocument(notebook, { selections: [new vscode.NotebookRange(cell.index, cell.index + 1)] });
}

/** A notebook's series id (the model's id for its kernel's chart line). */
export function seriesIdOfNotebook(notebook: vscode.Uri): string {
  return notebook.toString();
}

/**
 * One session per open notebook, by notebook URI (which is also the series id): connects the
 * bridge through the Jupyter extension's kernel, learns the kernel's PID so the sampler and the
 * bridge agree on the process, and learns it again after a restart.
 */
export class KernelSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, KernelSession>();
  private readonly closing: vscode.Disposable;

  constructor(
    private readonly model: MemoryModel,
    private readonly log: vscode.LogOutputChannel,
    private getProvider: () => Promise<KernelProvider | undefined>,
  ) {
    this.closing = vscode.workspace.onDidCloseNotebookDocument((notebook) => this.forget(notebook.uri.toString()));
  }

  /** Tests replace the Jupyter extension with a provider that drives a real ipykernel. */
  setKernelProvider(provider: () => Promise<KernelProvider | undefined>): void {
    this.getProvider = provider;
    for (const session of this.sessions.values()) {
      session.kernel = undefined;
      session.bridge = undefined;
    }
  }

  /** The session of a series (a notebook URI), if that notebook has one. */
  get(seriesId: string): KernelSession | undefined {
    return this.sessions.get(seriesId);
  }

  of(notebook: vscode.NotebookDocument): KernelSession {
    const notebookUri = notebook.uri.toString();
    let session = this.sessions.get(notebookUri);
    if (!session) {
      session = { notebook, seriesId: seriesIdOfNotebook(notebook.uri), ledger: new CellLedger(), recentPeak: 0 };
      this.sessions.set(notebookUri, session);
    }
    return session;
  }

  findNotebook(uri: vscode.Uri | undefined): vscode.NotebookDocument | undefined {
    if (uri) return vscode.workspace.notebookDocuments.find((notebook) => notebook.uri.toString() === uri.toString());
    return vscode.window.activeNotebookEditor?.notebook;
  }

  /** Makes sure the session has an idle kernel with a bridge; tells the user why not otherwise. */
  async connect(session: KernelSession): Promise<boolean> {
    if (!session.bridge) {
      const provider = await this.getProvider();
      if (!provider) {
        void vscode.window.showWarningMessage('The Jupyter extension (ms-toolsai.jupyter) is needed to run code in a kernel. Memory is still watched from outside.');
        return false;
      }
      const kernel = await provider.getKernel(session.notebook.uri);
      if (!kernel) {
        void vscode.window.showInformationMessage(`No kernel is running for ${notebookName(session.notebook)}: run a cell first.`);
        return false;
      }
      this.attach(session, kernel);
    }
    if (session.kernel!.status !== 'idle') {
      void vscode.window.showInformationMessage(new KernelBusyError(session.kernel!.status).message);
      return false;
    }
    if (session.pid === undefined) await this.learnPid(session);
    return true;
  }

  /** The kernel's process is gone: the next command connects afresh. */
  disconnect(session: KernelSession): void {
    session.pid = undefined;
    session.kernel = undefined;
    session.bridge = undefined;
  }

  private attach(session: KernelSession, kernel: BridgeKernel): void {
    session.statusSubscription?.dispose();
    session.kernel = kernel;
    session.bridge = new KernelBridge(kernel);
    session.pid = undefined;
    // A restart gives a new process: learn its PID again at the next idle.
    let restarting = false;
    const subscription = kernel.onDidChangeStatus((status) => {
      if (status === 'restarting' || status === 'autorestarting' || status === 'starting') restarting = true;
      if (status === 'idle' && restarting) {
        restarting = false;
        session.pid = undefined;
        void this.learnPid(session);
      }
    });
    session.statusSubscription = new vscode.Disposable(() => subscription.dispose());
  }

  /** Asks the kernel its PID (while idle) so the sampler and the bridge agree on the process. */
  private async learnPid(session: KernelSession): Promise<void> {
    if (!session.bridge || session.kernel?.status !== 'idle') return;
    try {
      const probe = await session.bridge.probe();
      session.pid = probe.pid;
      // The kernel itself says which notebook it serves: if discovery guessed another series
      // (two notebooks in one folder), move the process to this notebook's series.
      const guessed = this.model.seriesIdOfPid(probe.pid);
      if (guessed !== undefined && guessed !== session.seriesId) this.model.unwatch(guessed);
      const view = await this.model.watch({
        pid: probe.pid,
        label: notebookName(session.notebook),
        source: 'kernel',
        resourceUri: session.notebook.uri.toString(),
        seriesId: session.seriesId,
      });
      const limit = this.model.limitOf(session.seriesId);
      session.oomKillsAtStart = limit?.cgroupDir ? readOomKillCount(limit.cgroupDir) : undefined;
      this.log.info(`kernel of ${session.notebook.uri.toString()} is PID ${probe.pid} (${probe.executable}, Python ${probe.python}); ${formatBytes(view.rssBytes)}`);
    } catch (error) {
      this.log.warn(`could not learn the kernel PID: ${String(error)}`);
    }
  }

  private forget(notebookUri: string): void {
    this.sessions.get(notebookUri)?.statusSubscription?.dispose();
    this.sessions.delete(notebookUri);
  }

  dispose(): void {
    this.closing.dispose();
    for (const session of this.sessions.values()) session.statusSubscription?.dispose();
    this.sessions.clear();
  }
}
