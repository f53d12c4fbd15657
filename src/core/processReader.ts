// How the sampler reads processes. Two implementations share this interface and one test
// suite: `ProcfsReader` (Linux, synchronous /proc reads: ≈17 µs a process) and
// `PidusageReader` (macOS, Windows, anywhere /proc is missing: ≈1 ms a process).

/** A process is a PID *and* its start time: a reused PID is a different process. */
export interface ProcessIdentity {
  readonly pid: number;
  /** Opaque, comparable within one reader: clock ticks since boot on Linux, ms since epoch elsewhere. */
  readonly startTime: number;
}

export interface ProcessInfo extends ProcessIdentity {
  readonly ppid: number;
  /** Command line split on NUL; empty when unreadable (another user's process, a zombie). */
  readonly argv: readonly string[];
}

/** The slower-changing breakdown of RSS, read less often than RSS itself. */
export interface MemoryDetail {
  readonly rssAnonBytes: number;
  readonly rssFileBytes: number;
  readonly rssShmemBytes: number;
  readonly swapBytes: number;
}

/**
 * What `/proc/PID/smaps_rollup` says of one process: its RSS and its PSS (each shared page
 * divided by the number of processes mapping it), read in one walk so they agree. `gone`: the
 * process exited before it was read; `unreadable`: it lives but we may not read it;
 * `unsupported`: no smaps_rollup here (kernels before 4.14, macOS, Windows).
 */
export type RollupReading = { readonly rssBytes: number; readonly pssBytes: number } | 'gone' | 'unreadable' | 'unsupported';

export interface ProcessReader {
  readonly kind: 'procfs' | 'pidusage';
  /** RSS in bytes, or undefined when the process is gone or unreadable. */
  rss(pid: number): Promise<number | undefined>;
  /** Identity (start time) of a live process, undefined when it does not exist. */
  identity(pid: number): Promise<ProcessIdentity | undefined>;
  /**
   * Every process on the machine with its parent: one scan, used at a slow cadence. Readers may
   * reuse what they read last time, except for the PIDs in `refresh`, which they must read anew.
   */
  listProcesses(refresh?: ReadonlySet<number>): Promise<ProcessInfo[]>;
  /** Breakdown of RSS when the platform gives one. */
  detail(pid: number): Promise<MemoryDetail | undefined>;
  /** Batch form of `rss` for the hot path; readers may do better than one call per PID. */
  rssMany(pids: readonly number[]): Promise<Map<number, number>>;
  /** RSS and PSS together: ≈120× the cost of `rss`, so the sampler reads it at a slow cadence. */
  rollup(pid: number): Promise<RollupReading>;
  /** When the process started, in ms since the epoch, when the platform says. */
  startedAtMs(identity: ProcessIdentity): number | undefined;
}

/** Descendants of `root` in a snapshot, found with one pass that builds a parent→children index. */
export function descendantsOf(root: number, processes: readonly ProcessInfo[]): ProcessInfo[] {
  const byParent = new Map<number, ProcessInfo[]>();
  for (const proc of processes) {
    const siblings = byParent.get(proc.ppid);
    if (siblings) siblings.push(proc);
    else byParent.set(proc.ppid, [proc]);
  }
  const found: ProcessInfo[] = [];
  const stack = [root];
  const seen = new Set<number>([root]);
  while (stack.length > 0) {
    const parent = stack.pop()!;
    for (const child of byParent.get(parent) ?? []) {
      if (seen.has(child.pid)) continue; // defensive: a corrupt snapshot must not loop
      seen.add(child.pid);
      found.push(child);
      stack.push(child.pid);
    }
  }
  return found;
}
