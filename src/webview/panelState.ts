// The panel's state and the reducer that applies host messages and the user's own choices to
// it. Pure (no DOM), unit-tested in plain Node; the views read the state and compare it with
// the previous one to decide what to redraw.

import { formatBytes, measureLabel } from '../core/format';
import type { ChartMarker, ChartPoint, Finding, HostMessage, LedgerRow, ProcessView } from '../shared/protocol';
import { SeriesBuffer } from './seriesBuffer';

export type DiagnosisMessage = Extract<HostMessage, { type: 'diagnosis' }>;

export interface PanelState {
  /**
   * Our own point buffers, by series id. They are appended in place (copying a long history at
   * every delta would cost what the buffers save); `seriesVersion` changes whenever they do.
   */
  readonly series: ReadonlyMap<string, SeriesBuffer>;
  readonly seriesVersion: number;
  readonly processes: readonly ProcessView[];
  readonly markers: readonly ChartMarker[];
  readonly findings: readonly Finding[];
  readonly windowSec: number | null;
  readonly paused: boolean;
  readonly diagnosis: DiagnosisMessage | undefined;
  readonly ledger: readonly LedgerRow[];
  readonly ledgerSort: LedgerSortColumn;
}

export type LedgerSortColumn = 'startBytes' | 'peakBytes' | 'endBytes' | 'retainedBytes';

/** What the user does in the panel itself (the host hears of some of it separately). */
export type PanelAction =
  | { readonly type: 'chooseWindow'; readonly windowSec: number | null }
  | { readonly type: 'togglePause' }
  | { readonly type: 'sortLedger'; readonly column: LedgerSortColumn };

export const INITIAL_PANEL_STATE: PanelState = {
  series: new Map(),
  seriesVersion: 0,
  processes: [],
  markers: [],
  findings: [],
  windowSec: 300,
  paused: false,
  diagnosis: undefined,
  ledger: [],
  ledgerSort: 'retainedBytes',
};

const SORT_COLUMNS: ReadonlySet<string> = new Set<LedgerSortColumn>(['startBytes', 'peakBytes', 'endBytes', 'retainedBytes']);

export function isLedgerSortColumn(value: unknown): value is LedgerSortColumn {
  return typeof value === 'string' && SORT_COLUMNS.has(value);
}

function appendPoints(series: Map<string, SeriesBuffer>, seriesId: string, points: readonly ChartPoint[]): void {
  let buffer = series.get(seriesId);
  if (!buffer) series.set(seriesId, (buffer = new SeriesBuffer()));
  for (const point of points) {
    buffer.push(point.t, point.min);
    // a downsampled bucket keeps its trough and its peak
    if (point.max !== point.min) buffer.push(point.t + 1, point.max);
  }
}

export function reducePanel(state: PanelState, event: HostMessage | PanelAction): PanelState {
  switch (event.type) {
    case 'snapshot': {
      const series = new Map<string, SeriesBuffer>();
      for (const [seriesId, points] of Object.entries(event.series)) appendPoints(series, seriesId, points);
      return {
        ...state,
        series,
        seriesVersion: state.seriesVersion + 1,
        processes: [...event.processes],
        markers: [...event.markers],
        findings: [...event.findings],
        paused: event.paused,
        windowSec: event.windowSec,
      };
    }
    case 'samples': {
      const series = state.series as Map<string, SeriesBuffer>;
      for (const [seriesId, points] of Object.entries(event.points)) appendPoints(series, seriesId, points);
      return {
        ...state,
        seriesVersion: state.seriesVersion + 1,
        processes: [...event.processes],
        markers: event.markers.length > 0 ? [...state.markers, ...event.markers] : state.markers,
        findings: [...event.findings],
      };
    }
    case 'removed': {
      const series = new Map(state.series);
      series.delete(event.key);
      return { ...state, series, seriesVersion: state.seriesVersion + 1, processes: state.processes.filter((p) => p.key !== event.key) };
    }
    case 'diagnosis':
      return { ...state, diagnosis: event };
    case 'ledger':
      return { ...state, ledger: [...event.entries] };
    case 'chooseWindow':
      return { ...state, windowSec: event.windowSec };
    case 'togglePause':
      return { ...state, paused: !state.paused };
    case 'sortLedger':
      return { ...state, ledgerSort: event.column };
  }
}

/** The ledger rows, largest first in the chosen column (an unknown value sorts as 0). */
export function sortedLedger(state: Pick<PanelState, 'ledger' | 'ledgerSort'>): LedgerRow[] {
  return [...state.ledger].sort((a, b) => (b[state.ledgerSort] ?? 0) - (a[state.ledgerSort] ?? 0));
}

/** The first time (ms since epoch) the window shows; -Infinity for the whole session. */
export function windowStart(windowSec: number | null, nowMs: number): number {
  return windowSec === null ? -Infinity : nowMs - windowSec * 1000;
}

/** Markers inside the window, of series that have points. */
export function visibleMarkers(state: Pick<PanelState, 'markers' | 'series' | 'windowSec'>, nowMs: number): ChartMarker[] {
  const from = windowStart(state.windowSec, nowMs);
  return state.markers.filter((marker) => marker.t >= from && state.series.has(marker.key));
}

/** A process's name in the picker and the chart's legend: a Jupyter Server's kernel says so, an ended one too. */
export function seriesName(process: Pick<ProcessView, 'label' | 'source' | 'exited'>): string {
  return `${process.label}${process.source === 'remote' ? ' (remote)' : ''}${process.exited ? ' (exited)' : ''}`;
}

/** The text of a process in the picker. */
export function processOptionText(process: ProcessView): string {
  const name = seriesName({ ...process, exited: false });
  if (process.status) return `${name} — ${process.status}`;
  return `${name} — ${formatBytes(process.rssBytes)} ${measureLabel(process.measure)} (${process.pattern}${process.alarm ? ', alarm' : ''})`;
}

/** A finding's detail line with its forecast. */
export function findingDetail(finding: Finding): string {
  return finding.detail + (finding.forecast ? ` — ${finding.forecast}` : '');
}

/** The shape of the findings list: while it stays the same, only texts change in place. */
export function findingsShape(findings: readonly Finding[]): string {
  return JSON.stringify(findings.map((finding) => [finding.key, finding.actions]));
}
