// When a notebook cell starts and ends, from the summaries VS Code reports in the orders that
// vscode-jupyter, the tests' controllers and "Run All" produce.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextCellRunState, type CellRunState, type CellSummary } from '../../src/kernel/cellRunState';

const blank: CellSummary = {};
const ordered = (n: number): CellSummary => ({ executionOrder: n });
const done = (n: number, success = true): CellSummary => ({ executionOrder: n, success, timing: { startTime: 1, endTime: 2 } });

/** Feeds one cell's summaries in order; returns its events as words. */
function replay(summaries: readonly (CellSummary | undefined)[], from: CellRunState = 'idle'): string[] {
  let state = from;
  const seen: string[] = [];
  for (const summary of summaries) {
    const step = nextCellRunState(state, summary);
    state = step.state;
    for (const event of step.events) seen.push(event.kind === 'started' ? 'start' : `end:${event.outcome}`);
  }
  return seen;
}

describe('cellRunState', () => {
  it('vscode-jupyter: queued (reset), start() (still blank), the order at execute_input, the end: one run, no cancel', () => {
    assert.deepEqual(replay([blank, blank, ordered(3), ordered(3), done(3)]), ['start', 'end:succeeded']);
  });

  it('a controller that sets the order before start(): one run', () => {
    assert.deepEqual(replay([blank, ordered(1), ordered(1), done(1, false)]), ['start', 'end:failed']);
  });

  it('Run All: a queued cell does not start before the kernel runs it', () => {
    // Three cells queued at once; only the first one is running.
    assert.deepEqual(replay([blank]), []);
    assert.deepEqual(replay([blank, blank]), []);
  });

  it('a queued cell that is cancelled leaves nothing; when run later it is one run', () => {
    assert.deepEqual(replay([blank, blank, blank, ordered(4), done(4)]), ['start', 'end:succeeded']);
  });

  it('a running cell reset to nothing, or cleared, is cancelled', () => {
    assert.deepEqual(replay([blank, ordered(2), blank]), ['start', 'end:cancelled']);
    assert.deepEqual(replay([blank, ordered(2), undefined]), ['start', 'end:cancelled']);
  });

  it('an end without an end time (no timing) still ends the run', () => {
    assert.deepEqual(replay([blank, ordered(5), { executionOrder: 5, success: true }]), ['start', 'end:succeeded']);
  });

  it('a controller that sets nothing before the end: the run is known at its end, start then end', () => {
    assert.deepEqual(replay([blank, blank, done(6)]), ['start', 'end:succeeded']);
  });

  it('summaries of an earlier run, reported again, start nothing', () => {
    assert.deepEqual(replay([done(3), done(3)]), []);
    assert.deepEqual(replay([blank, ordered(3), done(3), done(3)]), ['start', 'end:succeeded']);
  });
});
