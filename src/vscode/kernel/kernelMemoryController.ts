import * as vscode from 'vscode';
import type { LedgerEntry } from '../../kernel/cellLedger';
import type { AutoReleasePolicy } from '../../kernel/diagnosisReport';
import { KERNEL_NOTEBOOK_TYPES } from '../../discovery/kernelNotebooks';
import type { MemoryModel } from '../../model/memoryModel';
import type { KernelProvider } from './jupyterKernels';
import { KernelCommands, type DiagnosisEvent, type ReleaseResult } from './kernelCommands';
import { KernelConsent } from './kernelConsent';
import { KernelSessions } from './kernelSessions';
import { LedgerTracker } from './ledgerTracker';
import { PostMortemNotifier } from './postMortemNotifier';

export type { DiagnosisEvent } from './kernelCommands';

/**
 * The kernel bridge in VS Code, composed of its parts: the consent, the kernel sessions and
 * PIDs, the diagnose / release / clear-cache commands, the per-cell ledger (with its cell status
 * bar items and auto-release) and the out-of-memory post-mortem. Nothing is ever sent to a
 * kernel without the user's consent, and never while a cell runs.
 */
export class KernelMemoryController implements vscode.Disposable {
  private readonly sessions: KernelSessions;
  private readonly consent: KernelConsent;
  private readonly commands: KernelCommands;
  private readonly ledger: LedgerTracker;
  private readonly postMortem: PostMortemNotifier;
  private readonly disposables: vscode.Disposable[];
  readonly onDidDiagnose: vscode.Event<DiagnosisEvent>;
  readonly onDidChangeLedger: vscode.Event<string>;
  readonly onDidPostMortem: PostMortemNotifier['onDidPostMortem'];

  constructor(
    context: vscode.ExtensionContext,
    model: MemoryModel,
    log: vscode.LogOutputChannel,
    getProvider: () => Promise<KernelProvider | undefined>,
    autoReleasePolicy: () => AutoReleasePolicy,
  ) {
    this.sessions = new KernelSessions(model, log, getProvider);
    this.consent = new KernelConsent(context.workspaceState);
    this.commands = new KernelCommands(model, log, this.sessions, this.consent);
    this.ledger = new LedgerTracker(model, this.sessions, log, (session, why) => this.commands.release(session, why), autoReleasePolicy);
    this.postMortem = new PostMortemNotifier(model, this.sessions, log);
    this.onDidDiagnose = this.commands.onDidDiagnose;
    this.onDidChangeLedger = this.ledger.onDidChangeLedger;
    this.onDidPostMortem = this.postMortem.onDidPostMortem;
    this.disposables = [
      this.postMortem,
      this.ledger,
      this.commands,
      this.sessions,
      // the ledger's item under each cell, in .ipynb notebooks and in the Interactive Window
      ...KERNEL_NOTEBOOK_TYPES.map((type) => vscode.notebooks.registerNotebookCellStatusBarItemProvider(type, this.ledger)),
    ];
  }

  /** Tests replace the Jupyter extension with a provider that drives a real ipykernel. */
  setKernelProvider(provider: () => Promise<KernelProvider | undefined>): void {
    this.sessions.setKernelProvider(provider);
  }

  /** Tests grant what a user grants in the consent prompt. */
  grantConsent(): Promise<void> {
    return this.consent.grant();
  }

  diagnose(notebookUri?: vscode.Uri): Promise<DiagnosisEvent | undefined> {
    return this.commands.diagnose(notebookUri);
  }

  releaseNow(notebookUri?: vscode.Uri): Promise<ReleaseResult | undefined> {
    return this.commands.releaseNow(notebookUri);
  }

  clearOutputCache(notebookUri?: vscode.Uri): Promise<void> {
    return this.commands.clearOutputCache(notebookUri);
  }

  ledgerOf(notebook: vscode.Uri): readonly LedgerEntry[] {
    return this.ledger.ledgerOf(notebook);
  }

  /** The cell of this notebook that is running now (for diagnostics from runtime evidence). */
  runningCell(notebookUri: string): vscode.NotebookCell | undefined {
    return this.ledger.runningCell(notebookUri);
  }

  provideCellStatusBarItems(cell: vscode.NotebookCell): vscode.NotebookCellStatusBarItem[] {
    return this.ledger.provideCellStatusBarItems(cell);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
