// The panel's state reducer: snapshots rebuild, deltas append, removals forget, the user's own
// choices (window, pause, ledger order) change only what they name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChartMarker, Finding, HostMessage, LedgerRow, ProcessView } from '../../src/shared/protocol';
import {
  INITIAL_PANEL_STATE,
  findingDetail,
  findingsShape,
  isLedgerSortColumn,
  processOptionText,
  seriesName,
  reducePanel,
  sortedLedger,
  visibleMarkers,
  type PanelState,
} from '../../src/webview/panelState';

const MB = 1024 * 1024;

function processView(key: string, overrides: Partial<ProcessView> = {}): ProcessView {
  return {
    key, pid: 1, label: key, source: 'terminal', rssBytes: 100 * MB, measure: 'rss', measureNote: null, summedRssBytes: 100 * MB, childCount: 0, pattern: 'flat', alarm: false,
    troughSlopeBytesPerSec: 0, growthBytes: 0, teeth: 0, limitBytes: null, limitSource: null, secondsToLimit: null, exited: false,
    ...overrides,
  };
}

const marker = (key: string, t: number): ChartMarker => ({ key, t, kind: 'cell', label: `${key}@${t}` });

function snapshot(overrides: Partial<Extract<HostMessage, { type: 'snapshot' }>> = {}): HostMessage {
  return {
    type: 'snapshot',
    processes: [processView('a'), processView('b')],
    series: { a: [{ t: 1000, min: 10, max: 10 }, { t: 2000, min: 20, max: 30 }], b: [] },
    markers: [marker('a', 1000)],
    findings: [],
    paused: false,
    windowSec: 1800,
    ...overrides,
  };
}

describe('panel state', () => {
  it('rebuilds from a snapshot, keeping a bucket\'s trough and peak as two points', () => {
    const state = reducePanel(INITIAL_PANEL_STATE, snapshot());
    assert.deepEqual(state.processes.map((p) => p.key), ['a', 'b']);
    assert.equal(state.series.get('a')!.length, 3, 'min and max of the second bucket');
    assert.equal(state.series.get('a')!.valueAt(2001), 30);
    assert.equal(state.series.get('b')!.length, 0);
    assert.equal(state.windowSec, 1800);
    assert.notEqual(state.seriesVersion, INITIAL_PANEL_STATE.seriesVersion);
    const again = reducePanel(state, snapshot({ series: { a: [{ t: 5000, min: 1, max: 1 }] }, processes: [processView('a')] }));
    assert.equal(again.series.get('a')!.length, 1, 'a snapshot replaces what was there');
    assert.equal(again.series.has('b'), false);
    assert.equal(INITIAL_PANEL_STATE.series.size, 0, 'the initial state is never written to');
  });

  it('appends deltas and their markers, and replaces the processes and findings', () => {
    const finding: Finding = { key: 'a', title: 'a: steady-growth', detail: 'troughs climbed', forecast: 'reaches 8 GB', actions: [] };
    let state = reducePanel(INITIAL_PANEL_STATE, snapshot());
    const version = state.seriesVersion;
    state = reducePanel(state, {
      type: 'samples',
      processes: [processView('a', { alarm: true }), processView('b'), processView('c')],
      points: { a: [{ t: 3000, min: 40, max: 40 }], c: [{ t: 3000, min: 5, max: 5 }] },
      markers: [marker('a', 3000)],
      findings: [finding],
    });
    assert.equal(state.series.get('a')!.length, 4);
    assert.equal(state.series.get('c')!.length, 1, 'a new series gets its buffer');
    assert.equal(state.markers.length, 2);
    assert.deepEqual(state.findings, [finding]);
    assert.ok(state.seriesVersion > version);
    const markers = state.markers;
    state = reducePanel(state, { type: 'samples', processes: state.processes, points: {}, markers: [], findings: [] });
    assert.equal(state.markers, markers, 'no new markers: the same list');
  });

  it('forgets a removed series and its process', () => {
    let state = reducePanel(INITIAL_PANEL_STATE, snapshot());
    state = reducePanel(state, { type: 'removed', key: 'a' });
    assert.deepEqual(state.processes.map((p) => p.key), ['b']);
    assert.equal(state.series.has('a'), false);
  });

  it('keeps the diagnosis and the ledger, and sorts the ledger by the chosen column', () => {
    const row = (cellId: string, retainedBytes: number | null, peakBytes: number): LedgerRow => ({
      cellId, label: cellId, executionOrder: null, startBytes: 0, peakBytes, endBytes: retainedBytes, retainedBytes, outcome: 'succeeded',
    });
    let state: PanelState = reducePanel(INITIAL_PANEL_STATE, { type: 'diagnosis', key: 'a', headline: 'cyclic garbage', rows: [{ label: 'gc', bytes: MB }] });
    assert.equal(state.diagnosis?.headline, 'cyclic garbage');
    state = reducePanel(state, { type: 'ledger', key: 'a', entries: [row('x', 5, 50), row('y', 9, 10), row('z', null, 70)] });
    assert.deepEqual(sortedLedger(state).map((r) => r.cellId), ['y', 'x', 'z'], 'largest retained first; a running cell last');
    state = reducePanel(state, { type: 'sortLedger', column: 'peakBytes' });
    assert.deepEqual(sortedLedger(state).map((r) => r.cellId), ['z', 'x', 'y']);
    assert.equal(isLedgerSortColumn('peakBytes'), true);
    assert.equal(isLedgerSortColumn('cellId'), false);
  });

  it('changes the window and the pause on the user\'s say, and shows the markers inside the window', () => {
    let state = reducePanel(INITIAL_PANEL_STATE, snapshot({ markers: [marker('a', 1000), marker('a', 590_000), marker('gone', 595_000)] }));
    state = reducePanel(state, { type: 'chooseWindow', windowSec: 300 });
    assert.equal(state.windowSec, 300);
    assert.deepEqual(visibleMarkers(state, 600_000).map((m) => m.t), [590_000], 'older ones and those of unknown series are left out');
    state = reducePanel(state, { type: 'chooseWindow', windowSec: null });
    assert.equal(visibleMarkers(state, 600_000).length, 2);
    state = reducePanel(state, { type: 'togglePause' });
    assert.equal(state.paused, true);
    assert.equal(reducePanel(state, { type: 'togglePause' }).paused, false);
  });

  it('words a process and a finding as the panel shows them', () => {
    assert.equal(processOptionText(processView('job.py', { rssBytes: 300 * MB, pattern: 'steady-growth', alarm: true })), 'job.py — 300 MB RSS (steady-growth, alarm)');
    assert.equal(seriesName(processView('analysis.ipynb', { source: 'remote' })), 'analysis.ipynb (remote)', 'the legend names a server kernel as remote');
    assert.equal(seriesName(processView('analysis.ipynb', { source: 'remote', exited: true })), 'analysis.ipynb (remote) (exited)');
    assert.equal(seriesName(processView('job.py', { exited: true })), 'job.py (exited)');
    assert.equal(seriesName(processView('job.py')), 'job.py');
    assert.equal(processOptionText(processView('pool.py', { rssBytes: 300 * MB, measure: 'pss' })), 'pool.py — 300 MB PSS of the tree (flat)');
    assert.equal(processOptionText(processView('demo.ipynb', { source: 'remote', rssBytes: 120 * MB })), 'demo.ipynb (remote) — 120 MB RSS (flat)');
    assert.equal(processOptionText(processView('demo.ipynb', { source: 'remote', status: 'not answering' })), 'demo.ipynb (remote) — not answering');
    const finding: Finding = { key: 'a', title: 't', detail: 'd', forecast: null, actions: [{ command: 'kernelMemoryWatch.exportCsv', title: 'Export CSV' }] };
    assert.equal(findingDetail(finding), 'd');
    assert.equal(findingDetail({ ...finding, forecast: 'f' }), 'd — f');
    assert.equal(findingsShape([finding]), findingsShape([{ ...finding, detail: 'changed' }]), 'texts do not change the shape');
    assert.notEqual(findingsShape([finding]), findingsShape([{ ...finding, actions: [] }]));
  });
});
