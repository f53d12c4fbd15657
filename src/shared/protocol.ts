// The typed message protocol between the extension host and the panel's webview. Both sides
// import only this file (and no host code); the host validates every message from the webview
// with `parseWebviewMessage` and ignores anything else.

import type { Pattern } from '../core/detector/types';
import type { MemoryMeasure } from '../core/pssEstimator';

/** One watched process as the panel and the gauge see it. */
export interface ProcessView {
  /**
   * The series id: a notebook's URI for its kernel (kept across kernel restarts), else the
   * sampler's process key. Every `key` in this protocol is such a series id.
   */
  readonly key: string;
  readonly pid: number;
  readonly label: string;
  readonly source: 'kernel' | 'terminal' | 'debug' | 'manual';
  /** Notebook or script this process belongs to, when known. */
  readonly resourceUri?: string;
  /** The tree's memory in `measure` (what the gauge, the chart and the detector follow). */
  readonly rssBytes: number;
  /** `pss` for a tree with children (shared pages counted once), `rss` for a process alone. */
  readonly measure: MemoryMeasure;
  /** Why a tree with children is measured by RSS (smaps_rollup missing or unreadable), else null. */
  readonly measureNote: string | null;
  /** The tree's summed RSS, beside a PSS figure (equal to `rssBytes` for `rss`). */
  readonly summedRssBytes: number;
  readonly childCount: number;
  readonly pattern: Pattern;
  readonly alarm: boolean;
  readonly troughSlopeBytesPerSec: number;
  readonly growthBytes: number;
  readonly teeth: number;
  readonly limitBytes: number | null;
  readonly limitSource: string | null;
  readonly secondsToLimit: number | null;
  readonly exited: boolean;
}

export interface ChartPoint {
  /** Milliseconds since the epoch. */
  readonly t: number;
  readonly min: number;
  readonly max: number;
}

export interface ChartMarker {
  readonly key: string;
  readonly t: number;
  readonly kind: 'restart' | 'alarm' | 'cell' | 'release' | 'exit';
  readonly label: string;
}

export interface Finding {
  readonly key: string;
  readonly title: string;
  readonly detail: string;
  readonly forecast: string | null;
  readonly actions: readonly { readonly command: string; readonly title: string }[];
}

export type HostMessage =
  /** Everything the panel needs to rebuild itself (sent when it is shown or re-shown). */
  | {
      readonly type: 'snapshot';
      readonly processes: readonly ProcessView[];
      readonly series: Readonly<Record<string, readonly ChartPoint[]>>;
      readonly markers: readonly ChartMarker[];
      readonly findings: readonly Finding[];
      readonly paused: boolean;
      readonly windowSec: number | null;
    }
  /** New samples since the last message, per process key. */
  | {
      readonly type: 'samples';
      readonly processes: readonly ProcessView[];
      readonly points: Readonly<Record<string, readonly ChartPoint[]>>;
      readonly markers: readonly ChartMarker[];
      readonly findings: readonly Finding[];
    }
  | { readonly type: 'removed'; readonly key: string }
  /** A kernel diagnosis: the breakdown in bytes, and what to do. */
  | {
      readonly type: 'diagnosis';
      readonly key: string;
      readonly headline: string;
      readonly rows: ReadonlyArray<{ readonly label: string; readonly bytes: number }>;
      /** What holds the live data: the largest variables and cached outputs (absent: not measured). */
      readonly holders?: readonly HolderRow[];
      /** One line about the scan: the total, and whether it stopped at its bound. */
      readonly holdersSummary?: string;
    }
  /** The per-cell memory ledger of a notebook's kernel. */
  | { readonly type: 'ledger'; readonly key: string; readonly entries: readonly LedgerRow[] };

export interface LedgerRow {
  readonly cellId: string;
  readonly label: string;
  readonly executionOrder: number | null;
  readonly startBytes: number;
  readonly peakBytes: number;
  readonly endBytes: number | null;
  readonly retainedBytes: number | null;
  readonly outcome: string;
}

/** One variable (or Out entry) that holds live data, as the panel lists it. */
export interface HolderRow {
  readonly name: string;
  readonly type: string;
  /** `10,000,000 × 5`, `1,000 items`, or ''. */
  readonly shape: string;
  /** Attributed to this holder (each buffer counted once over the namespace). */
  readonly bytes: number;
  /** Kept alive here but attributed to another holder (a view's base). */
  readonly sharedBytes: number;
  readonly note: string;
  /** The statement "copy `del name`" puts on the clipboard; null when only the output cache holds it. */
  readonly del: string | null;
  /** IPython's output cache holds it too: the panel offers Clear Output Cache. */
  readonly clearsWithOutputCache: boolean;
  /** Execution count of the cell that assigned it, when known. */
  readonly cell: number | null;
  /** The ledger's id of that cell, when the ledger knows it: "go to where it was assigned". */
  readonly cellId: string | null;
}

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'setPaused'; readonly paused: boolean }
  | { readonly type: 'setWindow'; readonly windowSec: number | null }
  | { readonly type: 'exportCsv'; readonly key: string }
  | { readonly type: 'exportPng'; readonly dataUrl: string }
  | { readonly type: 'runCommand'; readonly command: string; readonly key: string }
  | { readonly type: 'revealCell'; readonly cellId: string }
  /** "copy `del name`": the host writes a holder's del statement to the clipboard. */
  | { readonly type: 'copyDel'; readonly text: string };

const WINDOW_CHOICES = new Set([300, 1800]);
const MAX_DATA_URL = 20 * 1024 * 1024;
const COMMAND_PREFIX = 'kernelMemoryWatch.';
/** What delStatement (src/kernel/liveData.ts) makes: `del a, b`, nothing else. */
const DEL_STATEMENT = /^del [A-Za-z]\w*(?:, [A-Za-z]\w*)*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the message if it is exactly one of the protocol's shapes, else undefined. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'setPaused':
      return typeof value.paused === 'boolean' ? { type: 'setPaused', paused: value.paused } : undefined;
    case 'setWindow':
      if (value.windowSec === null) return { type: 'setWindow', windowSec: null };
      return typeof value.windowSec === 'number' && WINDOW_CHOICES.has(value.windowSec)
        ? { type: 'setWindow', windowSec: value.windowSec }
        : undefined;
    case 'exportCsv':
      return typeof value.key === 'string' && value.key.length < 200 ? { type: 'exportCsv', key: value.key } : undefined;
    case 'exportPng':
      return typeof value.dataUrl === 'string' && value.dataUrl.startsWith('data:image/png;base64,') && value.dataUrl.length < MAX_DATA_URL
        ? { type: 'exportPng', dataUrl: value.dataUrl }
        : undefined;
    case 'runCommand':
      // Only our own commands may be triggered from the webview.
      return typeof value.command === 'string' &&
        value.command.startsWith(COMMAND_PREFIX) &&
        /^[\w.]+$/.test(value.command) &&
        typeof value.key === 'string' &&
        value.key.length < 200
        ? { type: 'runCommand', command: value.command, key: value.key }
        : undefined;
    case 'revealCell':
      return typeof value.cellId === 'string' && value.cellId.length < 2000 ? { type: 'revealCell', cellId: value.cellId } : undefined;
    case 'copyDel':
      return typeof value.text === 'string' && value.text.length < 1000 && DEL_STATEMENT.test(value.text) ? { type: 'copyDel', text: value.text } : undefined;
    default:
      return undefined;
  }
}
