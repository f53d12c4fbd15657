// The memory of a process tree, counting each shared page once. After `fork` a child shares its
// parent's pages copy-on-write, so summed RSS counts them once per process (4 workers forked
// after a 500 MB allocation: 2,552 MB summed RSS, 513 MB summed PSS). PSS divides each shared
// page among the processes that map it, but reading it (smaps_rollup) costs ≈120× a statm read.
// So each process's shared share (RSS − PSS) is read at a slow cadence and subtracted from the
// fast RSS samples: growth of private memory shows at once, a change in sharing within seconds.

import type { RollupReading } from './processReader';

export type MemoryMeasure = 'pss' | 'rss';

/** One live process of a tree with the RSS of this tick (from statm). */
export interface MemberRss {
  readonly pid: number;
  readonly rssBytes: number;
}

export interface TreeFigure {
  /** The tree's memory: summed PSS estimates when `measure` is `pss`, else summed RSS. */
  readonly bytes: number;
  readonly measure: MemoryMeasure;
  /** Summed RSS of the same members, always there (RSS stays available beside PSS). */
  readonly rssBytes: number;
  /** PSS estimate by PID, for `pss` figures. */
  readonly pssByPid: ReadonlyMap<number, number>;
  /** Why a tree with children is measured by RSS. */
  readonly note?: string;
}

export interface PssEstimatorOptions {
  /** Full re-read of every member's share (default 5 s: sharing changes as workers write). */
  readonly refreshIntervalMs?: number;
  /**
   * While a full re-read finds every share where it was (an idle pool), the interval doubles up
   * to this (default 30 s): a re-read of a 500 MB process costs 3–9 ms of CPU, so a pool sitting
   * idle for hours would otherwise cost more than all its statm reads. Any move of a share, of
   * the members or of the tree's RSS brings it back to `refreshIntervalMs`. Copy-on-write that
   * RSS cannot see (workers touching shared objects) then shows within this bound.
   */
  readonly maxRefreshIntervalMs?: number;
  /**
   * A fork or an exit moves every member's share; re-read them all then, but not more often
   * than this (default 1 s), so a tree whose short-lived children churn does not pay a full
   * re-read every tick. A new member is always read at once.
   */
  readonly changeSpacingMs?: number;
}

interface TreeShares {
  /** RSS − PSS per PID at its last reading. */
  readonly shares: Map<number, number>;
  readonly unreadable: Set<number>;
  unsupported: boolean;
  membersKey: string;
  lastFullAt: number;
  intervalMs: number;
  rssAtFull: number;
}

/** A share that moved by less than this (or 2 % of itself) since the last full re-read is where it was. */
const STABLE_SHARE_BYTES = 1024 * 1024;
/** The tree's RSS moving by more than this share since the last full re-read ends a backed-off interval. */
const RSS_MOVE_SHARE = 0.05;

export const NOTE_UNSUPPORTED = 'RSS: smaps_rollup is missing here (Linux 4.14+ only), so pages shared by the tree are counted in every process';

export function noteUnreadable(pid: number): string {
  return `RSS: smaps_rollup of PID ${pid} cannot be read, so pages shared by the tree are counted in every process`;
}

export class PssEstimator {
  private readonly refreshIntervalMs: number;
  private readonly maxRefreshIntervalMs: number;
  private readonly changeSpacingMs: number;
  private readonly trees = new Map<string, TreeShares>();

  constructor(options: PssEstimatorOptions = {}) {
    this.refreshIntervalMs = options.refreshIntervalMs ?? 5000;
    this.maxRefreshIntervalMs = Math.max(this.refreshIntervalMs, options.maxRefreshIntervalMs ?? 30_000);
    this.changeSpacingMs = options.changeSpacingMs ?? 1000;
  }

  /**
   * The figure of one tree this tick, from the shares of the last `refresh`. `members` are its
   * live processes, root first. A process alone keeps plain RSS: nothing of it is counted twice,
   * and PSS would also split the pages it shares with unrelated processes (libraries), making the
   * figure jump when a first child forks.
   */
  figure(treeKey: string, members: readonly MemberRss[]): TreeFigure {
    let rssBytes = 0;
    for (const member of members) rssBytes += member.rssBytes;
    const tree = members.length < 2 ? undefined : this.trees.get(treeKey);
    if (!tree) {
      this.trees.delete(treeKey);
      return { bytes: rssBytes, measure: 'rss', rssBytes, pssByPid: new Map() };
    }
    if (tree.unsupported) return { bytes: rssBytes, measure: 'rss', rssBytes, pssByPid: new Map(), note: NOTE_UNSUPPORTED };
    const pssByPid = new Map<number, number>();
    let bytes = 0;
    let countedRss = 0;
    for (const member of members) {
      if (tree.unreadable.has(member.pid)) return { bytes: rssBytes, measure: 'rss', rssBytes, pssByPid: new Map(), note: noteUnreadable(member.pid) };
      const share = tree.shares.get(member.pid);
      if (share === undefined) continue; // exited between the statm read and smaps_rollup's
      const pss = Math.max(0, member.rssBytes - share);
      pssByPid.set(member.pid, pss);
      bytes += pss;
      countedRss += member.rssBytes;
    }
    return { bytes, measure: 'pss', rssBytes: countedRss, pssByPid };
  }

  /** Forgets a tree that is no longer watched. */
  forget(treeKey: string): void {
    this.trees.delete(treeKey);
  }

  private treeState(treeKey: string): TreeShares {
    let tree = this.trees.get(treeKey);
    if (!tree) {
      tree = { shares: new Map(), unreadable: new Set(), unsupported: false, membersKey: '', lastFullAt: -Infinity, intervalMs: this.refreshIntervalMs, rssAtFull: 0 };
      this.trees.set(treeKey, tree);
    }
    return tree;
  }

  /**
   * Reads smaps_rollup where it is due: every member each `refreshIntervalMs` or when the members
   * changed, a new member at once. Only for trees with children (a process alone keeps RSS).
   */
  async refresh(treeKey: string, members: readonly MemberRss[], now: number, read: (pid: number) => Promise<RollupReading>): Promise<void> {
    if (members.length < 2) return;
    const tree = this.treeState(treeKey);
    const membersKey = members.map((member) => member.pid).join(',');
    const changed = membersKey !== tree.membersKey;
    tree.membersKey = membersKey;
    let rssBytes = 0;
    for (const member of members) rssBytes += member.rssBytes;
    if (changed || Math.abs(rssBytes - tree.rssAtFull) > RSS_MOVE_SHARE * tree.rssAtFull) tree.intervalMs = this.refreshIntervalMs;
    const sinceFull = now - tree.lastFullAt;
    const full = sinceFull >= tree.intervalMs || (changed && sinceFull >= this.changeSpacingMs);
    const live = new Set(members.map((member) => member.pid));
    for (const pid of [...tree.shares.keys()]) if (!live.has(pid)) tree.shares.delete(pid);
    for (const pid of [...tree.unreadable]) if (!live.has(pid)) tree.unreadable.delete(pid);
    const toRead = full ? members : members.filter((member) => !tree.shares.has(member.pid) && !tree.unreadable.has(member.pid));
    if (toRead.length === 0) return;
    const before = full ? new Map(tree.shares) : undefined;
    if (full) {
      tree.lastFullAt = now;
      tree.rssAtFull = rssBytes;
      tree.unreadable.clear();
    }
    for (const member of toRead) {
      let reading: RollupReading;
      try {
        reading = await read(member.pid);
      } catch {
        reading = 'unreadable';
      }
      if (reading === 'unsupported') {
        tree.unsupported = true;
        return;
      }
      if (reading === 'gone') tree.shares.delete(member.pid);
      else if (reading === 'unreadable') {
        tree.shares.delete(member.pid);
        tree.unreadable.add(member.pid);
      } else {
        tree.unreadable.delete(member.pid);
        tree.shares.set(member.pid, Math.max(0, reading.rssBytes - reading.pssBytes));
      }
    }
    if (before) tree.intervalMs = !changed && sharesHeld(before, tree.shares) ? Math.min(this.maxRefreshIntervalMs, tree.intervalMs * 2) : this.refreshIntervalMs;
  }
}

/** Whether every share of `after` was already in `before`, within noise. */
function sharesHeld(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): boolean {
  if (before.size !== after.size) return false;
  for (const [pid, share] of after) {
    const previous = before.get(pid);
    if (previous === undefined || Math.abs(share - previous) > Math.max(STABLE_SHARE_BYTES, 0.02 * previous)) return false;
  }
  return true;
}
