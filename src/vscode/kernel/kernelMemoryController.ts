import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../../core/format';
import { readOomKillCount } from '../../core/limits';
import { CellLedger, type LedgerEntry } from '../../kernel/cellLedger';
import { describeDiagnosis, describeLedgerEntry, shouldAutoRelease, type AutoReleasePolicy, type DiagnosisReport } from '../../kernel/diagnosisReport';
import { KernelBridge, KernelBusyError, type BridgeKernel, type Diagnosis } from '../../kernel/kernelBridge';
import { assessKernelDeath } from '../../kernel/postMortem';
import type { MemoryModel } from '../../model/memoryModel';
import { CellExecutionTracker } from './cellExecutions';
import type { KernelProvider } from './jupyterKernels';
import { CommandId } from '../commandIds';

const CONSENT_KEY = 'kernelMemoryWatch.kernelCodeConsent';

interface NotebookKernelState {
  readonly notebook: vscode.NotebookDocument;
  readonly seriesId: string;
  kernel?: BridgeKernel;
  bridge?: KernelBridge;
  pid?: number;
  readonly ledger: CellLedger;
  lastReleaseAt?: number;
  oomKillsAtStart?: number;
  recentPeak: number;
  statusSubscription?: vscode.Disposable;
}

export interface DiagnosisEvent {
  readonly seriesId: string;
  readonly notebook: vscode.Uri;
  readonly diagnosis: Diagnosis;
  readonly report: DiagnosisReport;
}

function notebookName(notebook: vscode.NotebookDocument): string {
  return path.basename(notebook.uri.fsPath || notebook.uri.path);
}

function cellId(cell: vscode.NotebookCell): string {
  return `${cell.notebook.uri.toString()}#${cell.document.uri.fragment || cell.index}`;
}

/**
 * The kernel bridge in VS Code: diagnose / release / clear-cache commands, the per-cell ledger
 * and its cell status bar items, auto-release after cells, and the out-of-memory post-mortem.
 * Nothing is ever sent to a kernel without the user's consent, and never while a cell runs.
 */
export class KernelMemoryController implements vscode.Disposable, vscode.NotebookCellStatusBarItemProvider {
  private readonly states = new Map<string, NotebookKernelState>(); // by notebook URI
  private readonly disposables: vscode.Disposable[] = [];
  private readonly statusBarChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCellStatusBarItems = this.statusBarChanged.event;
  private readonly diagnosed = new vscode.EventEmitter<DiagnosisEvent>();
  readonly onDidDiagnose = this.diagnosed.event;
  private readonly ledgerChanged = new vscode.EventEmitter<string>();
  readonly onDidChangeLedger = this.ledgerChanged.event;
  private readonly postMortems = new vscode.EventEmitter<{ seriesId: string; message: string; likelyOutOfMemory: boolean }>();
  readonly onDidPostMortem = this.postMortems.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly model: MemoryModel,
    private readonly log: vscode.LogOutputChannel,
    private getProvider: () => Promise<KernelProvider | undefined>,
    private readonly autoReleasePolicy: () => AutoReleasePolicy,
  ) {
    const tracker = new CellExecutionTracker();
    this.disposables.push(
      tracker,
      this.statusBarChanged,
      this.diagnosed,
      this.ledgerChanged,
      this.postMortems,
      tracker.onDidStart(({ notebook, cell }) => this.onCellStarted(notebook, cell)),
      tracker.onDidEnd(({ notebook, cell, outcome }) => void this.onCellEnded(notebook, cell, outcome)),
      vscode.notebooks.registerNotebookCellStatusBarItemProvider('jupyter-notebook', this),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => this.forget(notebook.uri.toString())),
      toDisposable(this.model.onDidSample((seriesId, t, rss) => this.onSample(seriesId, t, rss))),
      toDisposable(this.model.onDidExit((view) => this.onProcessExit(view.key, view.rssBytes))),
    );
  }

  /** Tests replace the Jupyter extension with a provider that drives a real ipykernel. */
  setKernelProvider(provider: () => Promise<KernelProvider | undefined>): void {
    this.getProvider = provider;
    for (const state of this.states.values()) {
      state.kernel = undefined;
      state.bridge = undefined;
    }
  }

  /** Tests grant what a user grants in the consent prompt. */
  async grantConsent(): Promise<void> {
    await this.context.workspaceState.update(CONSENT_KEY, true);
  }

  ledgerOf(notebook: vscode.Uri): readonly LedgerEntry[] {
    return this.states.get(notebook.toString())?.ledger.list() ?? [];
  }

  /** The cell of this notebook that is running now (for diagnostics from runtime evidence). */
  runningCell(notebookUri: string): vscode.NotebookCell | undefined {
    const state = this.states.get(notebookUri);
    const current = state?.ledger.current;
    if (!state || !current) return undefined;
    return state.notebook.getCells().find((cell) => cellId(cell) === current.cellId);
  }

  seriesIdOf(notebook: vscode.Uri): string {
    return notebook.toString();
  }

  // ---- commands ----------------------------------------------------------------------------

  async diagnose(notebookUri?: vscode.Uri): Promise<DiagnosisEvent | undefined> {
    const state = await this.connect(notebookUri, 'diagnose');
    if (!state?.bridge) return undefined;
    try {
      const diagnosis = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Diagnosing kernel memory…' },
        () => state.bridge!.diagnose(),
      );
      const report = describeDiagnosis(notebookName(state.notebook), diagnosis);
      const event: DiagnosisEvent = { seriesId: state.seriesId, notebook: state.notebook.uri, diagnosis, report };
      this.model.mark(state.seriesId, 'release', `diagnosed: ${formatBytes(diagnosis.rssBeforeBytes)} → ${formatBytes(diagnosis.rssAfterBytes)}`);
      this.log.info(`diagnose ${state.notebook.uri.toString()}: ${JSON.stringify(diagnosis)}`);
      this.diagnosed.fire(event);
      void this.offerActions(state, report);
      return event;
    } catch (error) {
      this.reportError('Diagnose', error);
      return undefined;
    }
  }

  async releaseNow(notebookUri?: vscode.Uri): Promise<{ beforeBytes: number; afterBytes: number } | undefined> {
    const state = await this.connect(notebookUri, 'release');
    if (!state?.bridge) return undefined;
    try {
      return await this.release(state, 'released on request');
    } catch (error) {
      this.reportError('Release', error);
      return undefined;
    }
  }

  async clearOutputCache(notebookUri?: vscode.Uri): Promise<void> {
    const state = await this.connect(notebookUri, 'clear');
    if (!state?.bridge) return;
    const answer = await vscode.window.showWarningMessage(
      `Clear IPython's output cache in ${notebookName(state.notebook)}? Out[n] and _ will be emptied (%reset -f out); your variables stay.`,
      { modal: true },
      'Clear Output Cache',
    );
    if (answer !== 'Clear Output Cache') return;
    try {
      const result = await state.bridge.clearOutputCache();
      void vscode.window.showInformationMessage(
        `Cleared ${result.freedEntries} cached outputs (they held ${formatBytes(result.heldBytesBefore)}).`,
      );
    } catch (error) {
      this.reportError('Clear output cache', error);
    }
  }

  // ---- NotebookCellStatusBarItemProvider ------------------------------------------------------

  provideCellStatusBarItems(cell: vscode.NotebookCell): vscode.NotebookCellStatusBarItem[] {
    const entry = this.states.get(cell.notebook.uri.toString())?.ledger.latestFor(cellId(cell));
    const described = entry && describeLedgerEntry(entry);
    if (!described) return [];
    const item = new vscode.NotebookCellStatusBarItem(described.text, vscode.NotebookCellStatusBarAlignment.Right);
    item.tooltip = described.tooltip;
    item.command = CommandId.OpenPanel;
    return [item];
  }

  // ---- internals -----------------------------------------------------------------------------

  private async connect(notebookUri: vscode.Uri | undefined, purpose: 'diagnose' | 'release' | 'clear'): Promise<NotebookKernelState | undefined> {
    const notebook = this.findNotebook(notebookUri);
    if (!notebook) {
      void vscode.window.showInformationMessage('Open a notebook with a running kernel first.');
      return undefined;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Kernel Memory Watch does not run code in kernels of an untrusted workspace. Trust the workspace to diagnose or release memory; watching from outside still works.');
      return undefined;
    }
    if (!(await this.askConsent(notebook, purpose))) return undefined;
    const state = this.stateOf(notebook);
    if (!state.bridge) {
      const provider = await this.getProvider();
      if (!provider) {
        void vscode.window.showWarningMessage('The Jupyter extension (ms-toolsai.jupyter) is needed to run code in a kernel. Memory is still watched from outside.');
        return undefined;
      }
      const kernel = await provider.getKernel(notebook.uri);
      if (!kernel) {
        void vscode.window.showInformationMessage(`No kernel is running for ${notebookName(notebook)}: run a cell first.`);
        return undefined;
      }
      this.attach(state, kernel);
    }
    if (state.kernel!.status !== 'idle') {
      void vscode.window.showInformationMessage(new KernelBusyError(state.kernel!.status).message);
      return undefined;
    }
    if (state.pid === undefined) await this.learnPid(state);
    return state;
  }

  private attach(state: NotebookKernelState, kernel: BridgeKernel): void {
    state.statusSubscription?.dispose();
    state.kernel = kernel;
    state.bridge = new KernelBridge(kernel);
    state.pid = undefined;
    // A restart gives a new process: learn its PID again at the next idle.
    let restarting = false;
    state.statusSubscription = toDisposable(
      kernel.onDidChangeStatus((status) => {
        if (status === 'restarting' || status === 'autorestarting' || status === 'starting') restarting = true;
        if (status === 'idle' && restarting) {
          restarting = false;
          state.pid = undefined;
          void this.learnPid(state);
        }
      }),
    );
  }

  /** Asks the kernel its PID (while idle) so the sampler and the bridge agree on the process. */
  private async learnPid(state: NotebookKernelState): Promise<void> {
    if (!state.bridge || state.kernel?.status !== 'idle') return;
    try {
      const probe = await state.bridge.probe();
      state.pid = probe.pid;
      // The kernel itself says which notebook it serves: if discovery guessed another series
      // (two notebooks in one folder), move the process to this notebook's series.
      const guessed = this.model.seriesIdOfPid(probe.pid);
      if (guessed !== undefined && guessed !== state.seriesId) this.model.unwatch(guessed);
      const view = await this.model.watch({
        pid: probe.pid,
        label: notebookName(state.notebook),
        source: 'kernel',
        resourceUri: state.notebook.uri.toString(),
        seriesId: state.seriesId,
      });
      const limit = this.model.limitOf(state.seriesId);
      state.oomKillsAtStart = limit?.cgroupDir ? readOomKillCount(limit.cgroupDir) : undefined;
      this.log.info(`kernel of ${state.notebook.uri.toString()} is PID ${probe.pid} (${probe.executable}, Python ${probe.python}); ${formatBytes(view.rssBytes)}`);
    } catch (error) {
      this.log.warn(`could not learn the kernel PID: ${String(error)}`);
    }
  }

  private async askConsent(notebook: vscode.NotebookDocument, purpose: string): Promise<boolean> {
    if (this.context.workspaceState.get<boolean>(CONSENT_KEY)) return true;
    const what =
      purpose === 'diagnose'
        ? 'measure its memory, run gc.collect() and malloc_trim(0), and report what came back'
        : purpose === 'release'
          ? 'run gc.collect() and malloc_trim(0)'
          : "clear IPython's output cache";
    const answer = await vscode.window.showInformationMessage(
      `Kernel Memory Watch will run a short script in the kernel of ${notebookName(notebook)} to ${what}. It leaves no names in your namespace and never runs while a cell runs.`,
      { modal: true },
      'Allow Once',
      'Allow for This Workspace',
    );
    if (answer === 'Allow for This Workspace') await this.context.workspaceState.update(CONSENT_KEY, true);
    return answer !== undefined;
  }

  private async release(state: NotebookKernelState, why: string): Promise<{ beforeBytes: number; afterBytes: number }> {
    // Before and after as the sampler measures them (the same figures as the chart).
    await this.model.sampler.tick();
    const before = this.model.process(state.seriesId)?.rssBytes ?? 0;
    const release = await state.bridge!.release();
    await this.model.sampler.tick();
    const after = this.model.process(state.seriesId)?.rssBytes ?? release.rssAfterBytes;
    state.lastReleaseAt = Date.now();
    this.model.mark(state.seriesId, 'release', `${why}: ${formatBytes(before)} → ${formatBytes(after)}`);
    void vscode.window.showInformationMessage(
      `Released ${formatBytes(Math.max(0, before - after))} in ${notebookName(state.notebook)}: ${formatBytes(before)} → ${formatBytes(after)} (${release.collectedObjects} objects collected${release.trimmed ? ', heap trimmed' : ''}).`,
    );
    return { beforeBytes: before, afterBytes: after };
  }

  private async offerActions(state: NotebookKernelState, report: DiagnosisReport): Promise<void> {
    const buttons: string[] = [];
    if (report.actions.includes('clear-output-cache')) buttons.push('Clear Output Cache');
    buttons.push('Open Panel');
    const choice = await vscode.window.showInformationMessage(report.headline, ...buttons);
    if (choice === 'Clear Output Cache') await this.clearOutputCache(state.notebook.uri);
    if (choice === 'Open Panel') await vscode.commands.executeCommand(CommandId.OpenPanel);
  }

  private onCellStarted(notebook: vscode.NotebookDocument, cell: vscode.NotebookCell): void {
    const state = this.stateOf(notebook);
    this.model.wake(state.seriesId); // its kernel may be sampled at the idle rate: the cell's peak needs the full one
    state.ledger.cellStarted(cellId(cell), `cell ${cell.index + 1}`, cell.executionSummary?.executionOrder ?? null, Date.now());
    this.ledgerChanged.fire(state.seriesId);
  }

  private async onCellEnded(notebook: vscode.NotebookDocument, cell: vscode.NotebookCell, outcome: 'succeeded' | 'failed' | 'cancelled'): Promise<void> {
    const state = this.stateOf(notebook);
    const entry = state.ledger.cellEnded(cellId(cell), Date.now(), outcome, cell.executionSummary?.executionOrder ?? null);
    if (!entry) return;
    const order = entry.executionOrder !== null ? `[${entry.executionOrder}]` : entry.label;
    this.model.mark(state.seriesId, 'cell', `${order}: ${formatBytes(entry.retainedBytes ?? 0, true)} retained, peak ${formatBytes(entry.peakBytes)}`);
    this.statusBarChanged.fire();
    this.ledgerChanged.fire(state.seriesId);
    if (state.bridge && shouldAutoRelease(this.autoReleasePolicy(), entry, state.lastReleaseAt, Date.now())) {
      if (state.kernel?.status !== 'idle') return; // another cell is already queued: never wait behind it
      try {
        await this.release(state, `auto-release after ${order}`);
      } catch (error) {
        this.log.warn(`auto-release failed: ${String(error)}`);
      }
    }
  }

  private onSample(seriesId: string, t: number, rss: number): void {
    const state = this.states.get(seriesId);
    if (!state) return;
    state.ledger.sample(t, rss);
    state.recentPeak = Math.max(rss, state.recentPeak * 0.98); // decays over a few seconds
  }

  private onProcessExit(seriesId: string, lastRss: number): void {
    const state = this.states.get(seriesId);
    const limit = this.model.limitOf(seriesId);
    if (!state || !limit) return;
    const running = state.ledger.current;
    const result = assessKernelDeath({
      notebookName: notebookName(state.notebook),
      lastRssBytes: lastRss || state.recentPeak,
      recentPeakBytes: state.recentPeak,
      limit,
      oomKillsBefore: state.oomKillsAtStart,
      oomKillsAfter: limit.cgroupDir ? readOomKillCount(limit.cgroupDir) : undefined,
      runningCell: running ? { label: running.label, executionOrder: running.executionOrder } : undefined,
    });
    this.log.info(`kernel of ${seriesId} exited: ${result.message}`);
    this.postMortems.fire({ seriesId, message: result.message, likelyOutOfMemory: result.likelyOutOfMemory });
    state.pid = undefined;
    state.kernel = undefined;
    state.bridge = undefined;
    if (result.likelyOutOfMemory) {
      void vscode.window.showErrorMessage(result.message, 'Show Memory Ledger').then((choice) => {
        if (choice) void vscode.commands.executeCommand(CommandId.OpenPanel);
      });
    }
  }

  private findNotebook(uri: vscode.Uri | undefined): vscode.NotebookDocument | undefined {
    if (uri) return vscode.workspace.notebookDocuments.find((notebook) => notebook.uri.toString() === uri.toString());
    return vscode.window.activeNotebookEditor?.notebook;
  }

  private stateOf(notebook: vscode.NotebookDocument): NotebookKernelState {
    const key = notebook.uri.toString();
    let state = this.states.get(key);
    if (!state) {
      state = { notebook, seriesId: this.seriesIdOf(notebook.uri), ledger: new CellLedger(), recentPeak: 0 };
      this.states.set(key, state);
    }
    return state;
  }

  private forget(key: string): void {
    this.states.get(key)?.statusSubscription?.dispose();
    this.states.delete(key);
  }

  private reportError(what: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.log.error(`${what}: ${message}`);
    void vscode.window.showWarningMessage(`${what}: ${message}`);
  }

  dispose(): void {
    for (const state of this.states.values()) state.statusSubscription?.dispose();
    this.states.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function toDisposable(disposable: { dispose(): void }): vscode.Disposable {
  return new vscode.Disposable(() => disposable.dispose());
}
