import * as vscode from 'vscode';
import { formatBytes } from '../../core/format';
import type { LedgerEntry } from '../../kernel/cellLedger';
import { describeLedgerEntry, shouldAutoRelease, type AutoReleasePolicy } from '../../kernel/diagnosisReport';
import type { MemoryModel } from '../../model/memoryModel';
import { CommandId } from '../commandIds';
import { CellExecutionTracker, type CellOutcome } from './cellExecutions';
import { cellId, type KernelSession, type KernelSessions } from './kernelSessions';

/** How long a cell's end waits for the sample taken at its end (a sample normally comes in milliseconds). */
const END_SAMPLE_TIMEOUT_MS = 1000;

function orderOf(entry: LedgerEntry): string {
  return entry.executionOrder !== null ? `[${entry.executionOrder}]` : entry.label;
}

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
    this.closeEndedCell(session); // a queued cell starts before the last one's end sample came
    this.model.wake(session.seriesId); // its kernel may be sampled at the idle rate: the cell's peak needs the full one
    session.ledger.cellStarted(cellId(cell), `cell ${cell.index + 1}`, cell.executionSummary?.executionOrder ?? null, Date.now());
    this.ledgerChanged.fire(session.seriesId);
  }

  private async onCellEnded(notebook: vscode.NotebookDocument, cell: vscode.NotebookCell, outcome: CellOutcome): Promise<void> {
    const session = this.sessions.of(notebook);
    // The last sample can be up to an interval old and miss the cell's last allocations (seen: a
    // 300 MB cell recorded as +233 MB): close the entry on a sample taken now.
    session.pendingEnd = { cellId: cellId(cell), endedAt: Date.now(), outcome, executionOrder: cell.executionSummary?.executionOrder ?? null, startedAt: cell.executionSummary?.timing?.startTime };
    await this.model.sampleNow(session.seriesId, END_SAMPLE_TIMEOUT_MS);
    const entry = this.closeEndedCell(session);
    if (entry && session.bridge && shouldAutoRelease(this.autoReleasePolicy(), entry, session.lastReleaseAt, Date.now())) {
      if (session.kernel?.status !== 'idle') return; // another cell is already queued: never wait behind it
      try {
        await this.release(session, `auto-release after ${orderOf(entry)}`);
      } catch (error) {
        this.log.warn(`auto-release failed: ${String(error)}`);
      }
    }
  }

  /** Closes the ledger entry of the cell that ended, once; undefined when there is none. */
  private closeEndedCell(session: KernelSession): LedgerEntry | undefined {
    const pending = session.pendingEnd;
    if (!pending) return undefined;
    session.pendingEnd = undefined;
    const entry = session.ledger.cellEnded(pending.cellId, pending.endedAt, pending.outcome, pending.executionOrder, pending.startedAt);
    if (!entry) return undefined;
    this.model.mark(session.seriesId, 'cell', `${orderOf(entry)}: ${formatBytes(entry.retainedBytes ?? 0, true)} retained, peak ${formatBytes(entry.peakBytes)}`);
    this.statusBarChanged.fire();
    this.ledgerChanged.fire(session.seriesId);
    return entry;
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
