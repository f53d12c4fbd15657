// What the sampler emits: one sample per tick of each watched process tree, and its end.

import type { MemoryDetail } from './processReader';
import type { MemoryMeasure } from './pssEstimator';

export interface ChildSample {
  readonly pid: number;
  readonly rssBytes: number;
  /** Its PSS estimate, when the tree is measured by PSS. */
  readonly pssBytes?: number;
  readonly argv: readonly string[];
}

/** One sampling tick of one watched process tree. */
export interface TreeSample {
  /** `pid:startTime`: which process this is; a reused PID is another process with another key. */
  readonly processKey: string;
  readonly pid: number;
  /** Milliseconds since the epoch. */
  readonly t: number;
  /** The tree's memory, in `measure`: what the detector, the gauge and the chart follow. */
  readonly memoryBytes: number;
  /**
   * `pss` for a tree with children (each shared page counted once, from smaps_rollup), `rss` for
   * a process alone, or where smaps_rollup is missing or unreadable (`measureNote` says why).
   */
  readonly measure: MemoryMeasure;
  readonly measureNote?: string;
  /** Summed RSS of the root and every live descendant (pages shared after fork counted in each). */
  readonly rssBytes: number;
  /** The root's own RSS. */
  readonly selfBytes: number;
  readonly children: readonly ChildSample[];
  /** Present on the ticks where the slower breakdown was read. */
  readonly detail?: MemoryDetail;
}

export interface TreeExit {
  readonly processKey: string;
  readonly pid: number;
  readonly t: number;
  readonly lastRssBytes: number;
  /** `reused`: the PID now belongs to another process (its start time changed). */
  readonly reason: 'exited' | 'reused';
}

export interface WatchedTree {
  readonly processKey: string;
  readonly pid: number;
  readonly startTime: number;
  /** When the root process started (ms since the epoch), when the reader knows. */
  readonly startedAtMs: number | undefined;
  readonly label: string;
  readonly argv: readonly string[];
}
