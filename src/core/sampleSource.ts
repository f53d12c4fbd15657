// What every source of samples offers, and what its users hold: the local process-tree sampler
// and a Jupyter Server's kernels emit the same samples and exits (treeSample.ts) through this
// shape, so the model, the CLI and the tests need not know which one feeds them. No I/O.

import type { TreeExit, TreeSample } from './treeSample';

export interface Disposable {
  dispose(): void;
}

/**
 * What every source of samples offers (the local process-tree sampler, a Jupyter Server's
 * kernels): samples keyed by series, and the end of a series.
 */
export interface SampleSource {
  onSample(listener: (sample: TreeSample) => void): Disposable;
  onExit(listener: (exit: TreeExit) => void): Disposable;
}

export class ProcessNotFoundError extends Error {
  constructor(readonly pid: number) {
    super(`No process with PID ${pid} (it has exited, or it is not visible to this user).`);
    this.name = 'ProcessNotFoundError';
  }
}
