import * as vscode from 'vscode';
import { formatBytes } from '../../core/format';
import type { LedgerEntry } from '../../kernel/cellLedger';
import { describeLedgerEntry, shouldAutoRelease, type AutoReleasePolicy } from '../../kernel/diagnosisReport';
import type { MemoryModel } from '../../model/memoryModel';
import { CommandId } from '../commandIds';
import { CellExecutionTracker, type CellOutcome } from './cellExecutions';
import { cellId, type KernelSession, type KernelSessions } from './kernelSessions';

/**
 * The per-cell memory ledger: each cell's start, peak, end and retained memory from the model's
 * samples, a marker on the chart and an item in the cell's status bar when it ends, and the
 * auto-release after a cell that retained much (never behind a queued cell).
 */
export class LedgerTracker implements vscode.NotebookCellStatusBarItemProvider, vscode.Disposable {
  private readonly statusBarChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCellStatusBarItems = this.statusBarChanged.event;
  private readonly ledgerChanged = new vscode.EventEmitter<string>();
  /** Fires with the series id of the notebook whose ledger changed. */
  readonly onDidChangeLedger = this.ledgerChanged.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly model: MemoryModel,
    private readonly sessions: KernelSessions,
    private readonly log: vscode.LogOutputChannel,
    private readonly release: (session: KernelSession, why: string) => Promise<unknown>,
    private readonly autoReleasePolicy: () => AutoReleasePolicy,
  ) {
    const cells = new CellExecutionTracker();
    const samples = model.onDidSample(({ seriesId, tMs, rssBytes }) => this.onSample(seriesId, tMs, rssBytes));
    this.disposables.push(
      cells,
      this.statusBarChanged,
      this.ledgerChanged,
      new vscode.Disposable(() => samples.dispose()),
      cells.onDidStart(({ notebook, cell }) => this.onCellStarted(notebook, cell)),
      cells.onDidEnd(({ notebook, cell, outcome }) => void this.onCellEnded(notebook, cell, outcome)),
    );
  }

  ledgerOf(notebook: vscode.Uri): readonly LedgerEntry[] {
    return this.sessions.get(notebook.toString())?.ledger.list() ?? [];
  }

  /** The cell of this notebook that is running now (for diagnostics from runtime evidence). */
  runningCell(notebookUri: string): vscode.NotebookCell | undefined {
    const session = this.sessions.get(notebookUri);
    const current = session?.ledger.current;
    if (!session || !current) return undefined;
    return session.notebook.getCells().find((cell) => cellId(cell) === current.cellId);
  }

  provideCellStatusBarItems(cell: vscode.NotebookCell): vscode.NotebookCellStatusBarItem[] {
    const entry = this.sessions.get(cell.notebook.uri.toString())?.ledger.latestFor(cellId(cell));
    const described = entry && describeLedgerEntry(entry);
    if (!described) return [];
    const item = new vscode.NotebookCellStatusBarItem(described.text, vscode.NotebookCellStatusBarAlignment.Right);
    item.tooltip = described.tooltip;
    item.command = CommandId.OpenPanel;
    return [item];
  }

  private onCellStarted(notebook: vscode.NotebookDocument, cell: vscode.NotebookCell): void {
    const session = this.sessions.of(notebook);
    this.model.wake(session.seriesId); // its kernel may be sampled at the idle rate: the cell's peak needs the full one
    session.ledger.cellStarted(cellId(cell), `cell ${cell.index + 1}`, cell.executionSummary?.executionOrder ?? null, Date.now());
    this.ledgerChanged.fire(session.seriesId);
  }

  private async onCellEnded(notebook: vscode.NotebookDocument, cell: vscode.NotebookCell, outcome: CellOutcome): Promise<void> {
    const session = this.sessions.of(notebook);
    const entry = session.ledger.cellEnded(cellId(cell), Date.now(), outcome, cell.executionSummary?.executionOrder ?? null);
    if (!entry) return;
    const order = entry.executionOrder !== null ? `[${entry.executionOrder}]` : entry.label;
    this.model.mark(session.seriesId, 'cell', `${order}: ${formatBytes(entry.retainedBytes ?? 0, true)} retained, peak ${formatBytes(entry.peakBytes)}`);
    this.statusBarChanged.fire();
    this.ledgerChanged.fire(session.seriesId);
    if (session.bridge && shouldAutoRelease(this.autoReleasePolicy(), entry, session.lastReleaseAt, Date.now())) {
      if (session.kernel?.status !== 'idle') return; // another cell is already queued: never wait behind it
      try {
        await this.release(session, `auto-release after ${order}`);
      } catch (error) {
        this.log.warn(`auto-release failed: ${String(error)}`);
      }
    }
  }

  private onSample(seriesId: string, tMs: number, rssBytes: number): void {
    const session = this.sessions.get(seriesId);
    if (!session) return;
    session.ledger.sample(tMs, rssBytes);
    session.recentPeak = Math.max(rssBytes, session.recentPeak * 0.98); // decays over a few seconds
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
