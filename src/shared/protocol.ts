// The typed message protocol between the extension host and the panel's webview. Both sides
// import only this file (and no host code); the host validates every message from the webview
// with `parseWebviewMessage` and ignores anything else.

import type { Pattern } from '../core/detector/types';

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
  readonly rssBytes: number;
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

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'setPaused'; readonly paused: boolean }
  | { readonly type: 'setWindow'; readonly windowSec: number | null }
  | { readonly type: 'exportCsv'; readonly key: string }
  | { readonly type: 'exportPng'; readonly dataUrl: string }
  | { readonly type: 'runCommand'; readonly command: string; readonly key: string }
  | { readonly type: 'revealCell'; readonly cellId: string };

const WINDOW_CHOICES = new Set([300, 1800]);
const MAX_DATA_URL = 20 * 1024 * 1024;
const COMMAND_PREFIX = 'kernelMemoryWatch.';

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
    default:
      return undefined;
  }
}
