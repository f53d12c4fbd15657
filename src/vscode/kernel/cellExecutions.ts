import * as vscode from 'vscode';
import { nextCellRunState, type CellRunOutcome, type CellRunState } from '../../kernel/cellRunState';

export type CellOutcome = CellRunOutcome;

export interface CellExecutionEvents {
  readonly onDidStart: vscode.Event<{ notebook: vscode.NotebookDocument; cell: vscode.NotebookCell }>;
  readonly onDidEnd: vscode.Event<{ notebook: vscode.NotebookDocument; cell: vscode.NotebookCell; outcome: CellOutcome }>;
}

/**
 * Cell starts and ends from notebook change events: VS Code 1.100 shows a cell's execution only in
 * its summary, and `kernel/cellRunState.ts` says which summaries start and end a run (a queued
 * cell is not running yet; the same summary is reported more than once).
 */
export class CellExecutionTracker implements CellExecutionEvents, vscode.Disposable {
  private readonly started = new vscode.EventEmitter<{ notebook: vscode.NotebookDocument; cell: vscode.NotebookCell }>();
  private readonly ended = new vscode.EventEmitter<{ notebook: vscode.NotebookDocument; cell: vscode.NotebookCell; outcome: CellOutcome }>();
  readonly onDidStart = this.started.event;
  readonly onDidEnd = this.ended.event;
  private readonly states = new WeakMap<vscode.NotebookCell, CellRunState>();
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeNotebookDocument((event) => {
      for (const change of event.cellChanges) {
        const state = this.states.get(change.cell) ?? 'idle';
        if (change.executionSummary === undefined && state === 'idle') continue;
        this.update(event.notebook, change.cell, state, change.executionSummary ?? change.cell.executionSummary);
      }
    });
  }

  private update(notebook: vscode.NotebookDocument, cell: vscode.NotebookCell, state: CellRunState, summary: vscode.NotebookCellExecutionSummary | undefined): void {
    const step = nextCellRunState(state, summary);
    this.states.set(cell, step.state);
    for (const event of step.events) {
      if (event.kind === 'started') this.started.fire({ notebook, cell });
      else this.ended.fire({ notebook, cell, outcome: event.outcome });
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.started.dispose();
    this.ended.dispose();
  }
}
