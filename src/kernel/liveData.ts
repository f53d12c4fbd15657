// What holds the live data, as the diagnosis found it in the kernel (src/kernel/liveDataScript.ts):
// the result read defensively, and the words, shapes and `del` statements the report and the
// panel show. Pure (no `vscode`).

import { formatBytes } from '../core/format';
import type { HolderRow } from '../shared/protocol';
import type { LedgerEntry } from './cellLedger';

/** One variable (or Out entry) and what it keeps alive. */
export interface LiveDataHolder {
  /** `df`, `Out[3]`, `_`. */
  readonly name: string;
  /** The class name: `DataFrame`, `ndarray`, `dict`. */
  readonly type: string;
  /** The top-level module of the class: `pandas`, `numpy`, `builtins`. */
  readonly module: string;
  /** An array's or frame's shape; a container's length as `[n]`; null otherwise. */
  readonly shape: readonly number[] | null;
  /** Bytes attributed to this holder: each buffer counts once over the whole namespace. */
  readonly bytes: number;
  /** Bytes of buffers it keeps alive that another holder owns (a view's base). */
  readonly sharedBytes: number;
  /** The owner of the largest buffer it shares. */
  readonly sharedWith: string | null;
  /** What an array's or frame's own elements take (nbytes, memory_usage); null for other objects. */
  readonly extentBytes: number | null;
  /** An array or frame whose data is (partly) another holder's buffer. */
  readonly isView: boolean;
  /** Other holders that keep this one's buffers alive (`del` this alone frees nothing). */
  readonly heldBy: readonly string[];
  /** Other names for the same object (`Out[3]`, `_3`, `_`). */
  readonly aliases: readonly string[];
  /** IPython's own references in user_ns_hidden (`_3`, `_`): only clearing the output cache drops them. */
  readonly hiddenRefs: readonly string[];
  /** Execution count of the cell that assigned it (Out[n]: n), when IPython's history says. */
  readonly cell: number | null;
  /** The walk stopped at its bound: the size is a lower bound. */
  readonly truncated: boolean;
}

export interface LiveData {
  /** The largest holders, largest reach (owned + shared) first: ten at most. */
  readonly holders: readonly LiveDataHolder[];
  /** Bytes attributed to all holders (not only the ten). */
  readonly totalBytes: number;
  readonly holderCount: number;
  readonly objectsVisited: number;
  readonly truncated: boolean;
  readonly seconds: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);
const text = (value: unknown, max = 200): string | null => (typeof value === 'string' ? value.slice(0, max) : null);
const names = (value: unknown): string[] => (Array.isArray(value) ? value.map((v) => text(v)).filter((v): v is string => v !== null) : []);

function readHolder(value: unknown): LiveDataHolder | undefined {
  if (!isRecord(value)) return undefined;
  const name = text(value.name);
  if (!name) return undefined;
  const shape = Array.isArray(value.shape) && value.shape.every((n) => typeof n === 'number') ? value.shape : null;
  return {
    name,
    type: text(value.type) ?? 'object',
    module: text(value.module) ?? '',
    shape,
    bytes: count(value.bytes),
    sharedBytes: count(value.sharedBytes),
    sharedWith: text(value.sharedWith),
    extentBytes: typeof value.extentBytes === 'number' && value.extentBytes >= 0 ? value.extentBytes : null,
    isView: value.isView === true,
    heldBy: names(value.heldBy),
    aliases: names(value.aliases),
    hiddenRefs: names(value.hiddenRefs),
    cell: typeof value.cell === 'number' && Number.isInteger(value.cell) ? value.cell : null,
    truncated: value.truncated === true,
  };
}

/** The kernel's answer, or null when there is none (not IPython, or the scan failed). */
export function readLiveData(raw: unknown): LiveData | null {
  if (!isRecord(raw) || !Array.isArray(raw.entries)) return null;
  return {
    holders: raw.entries.map(readHolder).filter((h): h is LiveDataHolder => h !== undefined).slice(0, 10),
    totalBytes: count(raw.totalBytes),
    holderCount: count(raw.holders),
    objectsVisited: count(raw.objectsVisited),
    truncated: raw.truncated === true,
    seconds: count(raw.seconds),
  };
}

const grouped = new Intl.NumberFormat('en-US');
/** Names IPython's output cache binds: Out[n], _n, _, __, ___. */
const isOutputName = (name: string): boolean => /^(?:Out\[\d+\]|_\d+|_{1,3})$/.test(name);
/** A user's own name: `del` drops it for good. */
const isUserName = (name: string): boolean => /^[A-Za-z]\w*$/.test(name);

/** Whether IPython's output cache keeps this object (then `del` alone cannot free it). */
export function inOutputCache(holder: Pick<LiveDataHolder, 'name' | 'aliases' | 'hiddenRefs'>): boolean {
  return holder.hiddenRefs.length > 0 || [holder.name, ...holder.aliases].some(isOutputName);
}

/** `10,000,000 × 5` for arrays and frames, `1,000 items` for containers, '' when unknown. */
export function shapeText(holder: Pick<LiveDataHolder, 'shape' | 'module' | 'type'>): string {
  if (!holder.shape) return '';
  const isArrayLike = holder.module === 'numpy' || holder.module === 'pandas';
  if (!isArrayLike) return holder.shape.length === 1 ? `${grouped.format(holder.shape[0])} items` : '';
  return holder.shape.map((n) => grouped.format(n)).join(' × ');
}

/** Why this row matters, in a few words (plain text: the panel shows it as such): "view of base", "also held by v". */
export function holderNote(holder: LiveDataHolder): string {
  const parts: string[] = [];
  const cached = inOutputCache(holder);
  if (isOutputName(holder.name)) parts.push(holder.name.startsWith('Out[') || holder.aliases.length > 0 ? "IPython's output cache" : "IPython's output cache (left by %reset out before IPython 8.15)");
  if (holder.sharedWith) {
    parts.push(holder.isView ? `view of ${holder.sharedWith}` : `shares ${formatBytes(holder.sharedBytes)} with ${holder.sharedWith}`);
  }
  // A df.head() in Out whose frame was rebound: 5 rows that keep the whole block alive.
  if (holder.extentBytes !== null && holder.bytes > 2 * holder.extentBytes + 1024 * 1024) {
    parts.push(`its ${formatBytes(holder.extentBytes)} of data keep a ${formatBytes(holder.bytes)} buffer alive`);
  }
  if (holder.aliases.length > 0) parts.push(`also ${holder.aliases.join(', ')}`);
  if (cached && isUserName(holder.name)) parts.push('del frees it only once the output cache is cleared too');
  if (holder.heldBy.length > 0) parts.push(`also held by ${holder.heldBy.join(', ')}: del those too to free it`);
  if (holder.truncated) parts.push('at least this much (the walk stopped at its bound)');
  return parts.join('; ');
}

/**
 * `del df, frame`: every user name of this object, or null when it has none (only IPython's
 * output cache holds it: `del Out[3]` leaves `_3` and IPython's hidden copies, so the way out is
 * Clear Output Cache, which drops them all).
 */
export function delStatement(holder: Pick<LiveDataHolder, 'name' | 'aliases'>): string | null {
  const targets = [holder.name, ...holder.aliases].filter(isUserName);
  return targets.length > 0 ? `del ${targets.join(', ')}` : null;
}

/** The panel's rows: each holder with its note, its `del` and the ledger's cell that assigned it. */
export function holderRows(liveData: LiveData, ledger: readonly LedgerEntry[]): HolderRow[] {
  return liveData.holders.map((holder) => {
    let cellId: string | null = null;
    if (holder.cell !== null) {
      for (let i = ledger.length - 1; i >= 0 && cellId === null; i--) if (ledger[i].executionOrder === holder.cell) cellId = ledger[i].cellId;
    }
    return {
      name: holder.name,
      type: holder.type,
      shape: shapeText(holder),
      bytes: holder.bytes,
      sharedBytes: holder.sharedBytes,
      note: holderNote(holder),
      del: delStatement(holder),
      clearsWithOutputCache: inOutputCache(holder),
      cell: holder.cell,
      cellId,
    };
  });
}

/** One line under the table: how much the variables hold, and whether the scan was cut short. */
export function liveDataSummary(liveData: LiveData): string {
  const cut = liveData.truncated ? ' The scan stopped at its bound (time or objects): sizes marked “at least” are lower bounds.' : '';
  const holders = liveData.holderCount === 1 ? '1 variable or cached output holds' : `${liveData.holderCount} variables and cached outputs hold`;
  return `${holders} ${formatBytes(liveData.totalBytes)} (measured in ${Math.round(liveData.seconds * 1000)} ms).${cut}`;
}
