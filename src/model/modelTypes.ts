// The shapes the memory model takes and hands out: what to watch, a series' sample, an exit,
// the model's options. Pure.

import type { ProcessTreeSampler, TreeExit } from '../core/sampler';
import type { ProcessView } from '../shared/protocol';
import type { ProcessSource } from './watchRegistry';

export interface WatchRequest {
  readonly pid: number;
  readonly label: string;
  readonly source: ProcessSource;
  readonly resourceUri?: string;
  /**
   * Processes with the same series id share one chart line and detector history: a kernel
   * restart (new PID, same notebook) continues its notebook's series with a restart marker.
   */
  readonly seriesId?: string;
}

/** One sample of one series, as the kernel ledger follows it. */
export interface SeriesSample {
  readonly seriesId: string;
  /** Milliseconds since the epoch. */
  readonly tMs: number;
  readonly rssBytes: number;
}

export interface ProcessExit {
  readonly view: ProcessView;
  readonly exit: TreeExit;
}

export interface MemoryModelOptions {
  readonly sampler?: ProcessTreeSampler;
  readonly limitOverrideBytes?: number;
  readonly historySec?: number;
}
