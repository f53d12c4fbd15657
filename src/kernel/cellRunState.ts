// When a notebook cell really starts and ends, read from the execution summaries VS Code reports.
//
// VS Code 1.100 reports a cell's execution only through its summary (order, timing, success),
// and fires a change for every edit of the cell's execution metadata:
// - queuing a cell resets its summary (nothing set), so every cell of "Run All" looks alike at once;
// - `execution.start()` sets a start time that the summary does not show (timing needs the end
//   too), so a started cell still reports nothing until its controller sets the execution order;
//   vscode-jupyter sets it after start(), when the kernel echoes the cell (execute_input);
// - a queued cell that is cancelled ends with nothing set either.
// So "nothing set" only queues a cell: it starts when its execution order appears (the kernel runs
// it now), ends when timing or success appears (end() without an end time gives no timing), and is
// cancelled when a running cell is reset to nothing.

export type CellRunState = 'idle' | 'queued' | 'running';
export type CellRunOutcome = 'succeeded' | 'failed' | 'cancelled';

/** The fields of `vscode.NotebookCellExecutionSummary` that tell a cell's state. */
export interface CellSummary {
  readonly executionOrder?: number;
  readonly success?: boolean;
  readonly timing?: { readonly startTime: number; readonly endTime: number };
}

export interface CellRunStep {
  readonly state: CellRunState;
  /** What happened to the cell with this summary, in order (a cell that ends at once also starts). */
  readonly events: readonly ({ readonly kind: 'started' } | { readonly kind: 'ended'; readonly outcome: CellRunOutcome })[];
}

const NONE: CellRunStep['events'] = [];

/** The cell's next state and its events, given its state and the summary just reported (undefined: cleared). */
export function nextCellRunState(state: CellRunState, summary: CellSummary | undefined): CellRunStep {
  const blank = !summary || (summary.executionOrder === undefined && summary.success === undefined && summary.timing === undefined);
  if (blank) {
    if (state === 'running') return { state: 'idle', events: [{ kind: 'ended', outcome: 'cancelled' }] };
    return { state: 'queued', events: NONE };
  }
  if (summary.timing !== undefined || summary.success !== undefined) {
    if (state === 'idle') return { state: 'idle', events: NONE }; // a summary of an earlier run, repeated
    const ended = { kind: 'ended', outcome: summary.success === false ? 'failed' : 'succeeded' } as const;
    // A controller that sets no order before the end: the run is known only now.
    return { state: 'idle', events: state === 'queued' ? [{ kind: 'started' }, ended] : [ended] };
  }
  // An order without an end: the kernel runs the cell now.
  return state === 'running' ? { state, events: NONE } : { state: 'running', events: [{ kind: 'started' }] };
}
