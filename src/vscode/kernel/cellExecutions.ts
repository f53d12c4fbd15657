import * as vscode from 'vscode';

export type CellOutcome = 'succeeded' | 'failed' | 'cancelled';

export interface CellExecutionEvents {
  readonly onDidStart: vscode.Event<{ notebook: vscode.NotebookDocument; cell: vscode.NotebookCell }>;
  readonly onDidEnd: vscode.Event<{ notebook: vscode.NotebookDocument; cell: vscode.NotebookCell; outcome: CellOutcome }>;
}

/**
 * Cell starts and ends from notebook change events. In VS Code 1.100 a start is an execution
 * summary without timing, an end has timing and success, and a cancelled cell ends with
 * neither; the same summary is reported more than once, so each cell's state is kept.
 */
export class CellExecutionTracker implements CellExecutionEvents, vscode.Disposable {
  private readonly started = new vscode.EventEmitter<{ notebook: vscode.NotebookDocument; cell: vscode.NotebookCell }>();
  private readonly ended = new vscode.EventEmitter<{ notebook: vscode.NotebookDocument; cell: vscode.NotebookCell; outcome: CellOutcome }>();
  readonly onDidStart = this.started.event;
  readonly onDidEnd = this.ended.event;
  private readonly running = new WeakSet<vscode.NotebookCell>();
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeNotebookDocument((event) => {
      for (const change of event.cellChanges) {
        if (change.executionSummary === undefined && !this.running.has(change.cell)) continue;
        this.update(event.notebook, change.cell, change.executionSummary ?? change.cell.executionSummary);
      }
    });
  }

  private update(notebook: vscode.NotebookDocument, cell: vscode.NotebookCell, summary: vscode.NotebookCellExecutionSummary | undefined): void {
    const isRunning = this.running.has(cell);
    const hasTiming = summary?.timing !== undefined;
    if (!isRunning && summary && !hasTiming && summary.success === undefined) {
      this.running.add(cell);
      this.started.fire({ notebook, cell });
    } else if (isRunning && hasTiming) {
      this.running.delete(cell);
      this.ended.fire({ notebook, cell, outcome: summary?.success === false ? 'failed' : 'succeeded' });
    } else if (isRunning && (!summary || (summary.executionOrder === undefined && summary.success === undefined))) {
      this.running.delete(cell);
      this.ended.fire({ notebook, cell, outcome: 'cancelled' });
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.started.dispose();
    this.ended.dispose();
  }
}
