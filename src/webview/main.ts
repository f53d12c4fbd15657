// The panel's webview: a chart.js chart of every watched process, findings, ledger and
// diagnosis. Imports only the shared protocol types, never host code.

import {
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { ChartMarker, ChartPoint, Finding, HostMessage, LedgerRow, ProcessView, WebviewMessage } from '../shared/protocol';
import { formatBytes } from '../core/format';
import { SeriesBuffer, type XY } from './seriesBuffer';
import { renderHolders } from './holdersView';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend, Filler);

declare function acquireVsCodeApi(): { postMessage(message: WebviewMessage): void };
const vscode = acquireVsCodeApi();


// Our own buffers, thinned per redraw to the chart's width (see SeriesBuffer.thinned).
const series = new Map<string, SeriesBuffer>();
let processes: ProcessView[] = [];
let markers: ChartMarker[] = [];
let findings: Finding[] = [];
let windowSec: number | null = 300;
let paused = false;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const canvas = $<HTMLCanvasElement>('chart');
const empty = $('empty');
const state = $('chart-state');
const processSelect = $<HTMLSelectElement>('process');
const windowSelect = $<HTMLSelectElement>('window');
const pauseButton = $<HTMLButtonElement>('pause');

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** The line colours of the current theme: read in applyTheme, not per redraw (getComputedStyle forces a style pass). */
let colors: string[] = [];

function palette(): string[] {
  return [
    cssVar('--vscode-charts-blue', '#3794ff'),
    cssVar('--vscode-charts-orange', '#d18616'),
    cssVar('--vscode-charts-green', '#89d185'),
    cssVar('--vscode-charts-purple', '#b180d7'),
    cssVar('--vscode-charts-yellow', '#cca700'),
    cssVar('--vscode-charts-red', '#f14c4c'),
  ];
}

// One formatter for every tick label: toLocaleTimeString builds a new one per call (≈60 µs
// here), and chart.js formats each tick several times per update.
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/**
 * Datasets by role (`line:`, `limit:`, `trend:` + process key, and `events`), kept across
 * redraws and updated in place: chart.js keeps its resolved options per dataset object, and
 * fresh objects at every update made it resolve them all again.
 */
const datasetsById = new Map<string, ChartDataset<'line', XY[]>>();

function reuse(id: string, fresh: ChartDataset<'line', XY[]>): ChartDataset<'line', XY[]> {
  const existing = datasetsById.get(id);
  if (!existing) {
    datasetsById.set(id, fresh);
    return fresh;
  }
  return Object.assign(existing, fresh);
}

const chart = new Chart(canvas, {
  type: 'line',
  data: { datasets: [] },
  options: {
    animation: false,
    parsing: false,
    normalized: true,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    scales: {
      x: { type: 'linear', ticks: { maxTicksLimit: 6, callback: (value) => timeFormat.format(Number(value)) } },
      y: { type: 'linear', beginAtZero: true, ticks: { callback: (value) => formatBytes(Number(value)) } },
    },
    plugins: {
      legend: { labels: { boxWidth: 12 } },
      tooltip: {
        callbacks: {
          title: (items) => (items.length ? timeFormat.format(items[0].parsed.x ?? 0) : ''),
          label: (item) => `${item.dataset.label}: ${formatBytes(item.parsed.y ?? 0)}`,
        },
      },
    },
  },
});

function applyTheme(): void {
  colors = palette();
  const foreground = cssVar('--vscode-foreground', '#cccccc');
  const grid = cssVar('--vscode-panel-border', 'rgba(128,128,128,0.3)');
  Chart.defaults.color = foreground;
  for (const axis of ['x', 'y'] as const) {
    const scale = chart.options.scales![axis]!;
    scale.grid = { color: grid };
    scale.ticks!.color = foreground;
  }
  redraw();
}

function appendPoints(key: string, points: readonly ChartPoint[]): void {
  let buffer = series.get(key);
  if (!buffer) series.set(key, (buffer = new SeriesBuffer()));
  for (const point of points) {
    buffer.push(point.t, point.min);
    // a downsampled bucket keeps its trough and its peak
    if (point.max !== point.min) buffer.push(point.t + 1, point.max);
  }
}

/** The buffer of a process whose points have not come yet (never written to). */
const NO_POINTS = new SeriesBuffer();

/** Index of the first point the window shows. */
function firstVisible(buffer: SeriesBuffer): number {
  return windowSec === null ? 0 : buffer.indexFrom(Date.now() - windowSec * 1000);
}

function redraw(): void {
  const datasets: ChartDataset<'line', XY[]>[] = [];
  let drawnPoints = 0;
  // two points per pixel column at most: more cannot show, and chart.js's cost is per point
  const buckets = Math.max(100, Math.round(canvas.clientWidth || 400));
  processes.forEach((process, index) => {
    const color = colors[index % colors.length];
    const buffer = series.get(process.key) ?? NO_POINTS;
    const from = firstVisible(buffer);
    const to = buffer.length;
    const data = buffer.thinned(from, to, buckets);
    drawnPoints += to - from;
    datasets.push(reuse(`line:${process.key}`, { type: 'line', label: `${process.label}${process.exited ? ' (exited)' : ''}`, data, borderColor: color, backgroundColor: color, borderWidth: 1.5, pointRadius: 0 }));
    if (data.length === 0) return;
    const first = data[0].x;
    const last = data[data.length - 1].x;
    if (process.limitBytes && process.rssBytes > 0.25 * process.limitBytes) {
      datasets.push(reuse(`limit:${process.key}`, { type: 'line', label: `${process.label} limit`, data: [{ x: first, y: process.limitBytes }, { x: last, y: process.limitBytes }], borderColor: colors[5], borderDash: [6, 4], borderWidth: 1, pointRadius: 0 }));
    }
    if (process.alarm && process.troughSlopeBytesPerSec > 0) {
      // the trough trend over what is shown, anchored at the lowest recent point
      const floor = buffer.minOf(to - Math.max(2, Math.floor((to - from) / 4)), to);
      const span = (last - first) / 1000;
      datasets.push(reuse(`trend:${process.key}`, { type: 'line', label: `${process.label} trough trend`, data: [{ x: first, y: Math.max(0, floor - process.troughSlopeBytesPerSec * span) }, { x: last, y: floor }], borderColor: color, borderDash: [2, 3], borderWidth: 1, pointRadius: 0 }));
    }
  });
  const from = windowSec === null ? -Infinity : Date.now() - windowSec * 1000;
  const shown = markers.filter((marker) => marker.t >= from && series.has(marker.key));
  if (shown.length > 0) {
    datasets.push(reuse('events', {
      type: 'line',
      showLine: false,
      label: 'events',
      data: shown.map((marker) => ({ x: marker.t, y: nearestY(marker) })),
      pointStyle: shown.map((marker) => (marker.kind === 'alarm' ? 'triangle' : marker.kind === 'restart' ? 'rectRot' : marker.kind === 'release' ? 'star' : 'circle')),
      pointRadius: 5,
      borderColor: colors[5],
      backgroundColor: colors[5],
    }));
  }
  // forget the datasets of processes that left
  const used = new Set(datasets);
  for (const [id, dataset] of datasetsById) if (!used.has(dataset)) datasetsById.delete(id);
  chart.data.datasets = datasets;
  chart.update('none');
  empty.hidden = processes.length > 0;
  canvas.parentElement!.hidden = processes.length === 0;
  state.dataset.datasets = String(processes.length);
  state.dataset.points = String(drawnPoints);
  state.dataset.markers = String(shown.length);
}

function nearestY(marker: ChartMarker): number {
  return series.get(marker.key)?.valueAt(marker.t) ?? 0;
}

/**
 * The process picker, updated in place while the same processes are listed: rebuilding it at
 * every sample would close it under the user's pointer and drop keyboard focus.
 */
function renderProcesses(): void {
  const texts = processes.map((process) => `${process.label} — ${formatBytes(process.rssBytes)} (${process.pattern}${process.alarm ? ', alarm' : ''})`);
  const options = processSelect.options;
  const sameKeys = options.length === processes.length && processes.every((process, i) => options[i].value === process.key);
  if (sameKeys) {
    texts.forEach((text, i) => {
      if (options[i].textContent !== text) options[i].textContent = text;
    });
    return;
  }
  const selected = processSelect.value;
  processSelect.replaceChildren(
    ...processes.map((process, i) => {
      const option = document.createElement('option');
      option.value = process.key;
      option.textContent = texts[i];
      return option;
    }),
  );
  if (processes.some((p) => p.key === selected)) processSelect.value = selected;
}

/**
 * The findings list, keyed by process: while the same processes have findings with the same
 * actions, only their texts change (a forecast moves at every sample), so a focused button
 * keeps its focus and a screen reader is not sent back to the top.
 */
let renderedFindings = '';
const findingItems = new Map<string, { title: HTMLElement; detail: HTMLElement }>();

function renderFindings(): void {
  const shape = JSON.stringify(findings.map((finding) => [finding.key, finding.actions]));
  if (shape !== renderedFindings) {
    renderedFindings = shape;
    findingItems.clear();
    $('findings').replaceChildren(
      ...findings.map((finding) => {
        const item = document.createElement('li');
        const title = document.createElement('strong');
        const detail = document.createElement('p');
        item.append(title, detail);
        for (const action of finding.actions) {
          const button = document.createElement('button');
          button.textContent = action.title;
          button.addEventListener('click', () => vscode.postMessage({ type: 'runCommand', command: action.command, key: finding.key }));
          item.append(button);
        }
        findingItems.set(finding.key, { title, detail });
        return item;
      }),
    );
  }
  for (const finding of findings) {
    const item = findingItems.get(finding.key)!;
    const detail = finding.detail + (finding.forecast ? ` — ${finding.forecast}` : '');
    if (item.title.textContent !== finding.title) item.title.textContent = finding.title;
    if (item.detail.textContent !== detail) item.detail.textContent = detail;
  }
  $('findings-section').hidden = findings.length === 0;
}

function renderDiagnosis(message: Extract<HostMessage, { type: 'diagnosis' }>): void {
  $('diagnosis-section').hidden = false;
  $('diagnosis-headline').textContent = message.headline;
  const body = $('diagnosis-rows');
  body.replaceChildren(
    ...message.rows.map((row) => {
      const tr = document.createElement('tr');
      const label = document.createElement('td');
      label.textContent = row.label;
      const value = document.createElement('td');
      value.textContent = `${(row.bytes / 1024 / 1024).toFixed(0)} MB`;
      tr.append(label, value);
      return tr;
    }),
  );
  renderHolders($('holders'), message, (reply) => vscode.postMessage(reply));
}

let ledgerRows: LedgerRow[] = [];
let ledgerSort: keyof LedgerRow = 'retainedBytes';

function renderLedger(): void {
  $('ledger-section').hidden = ledgerRows.length === 0;
  const rows = [...ledgerRows].sort((a, b) => Number(b[ledgerSort] ?? 0) - Number(a[ledgerSort] ?? 0));
  $('ledger-rows').replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      const cell = document.createElement('td');
      const link = document.createElement('a');
      link.href = '#';
      link.textContent = row.executionOrder !== null ? `[${row.executionOrder}]` : row.label;
      link.addEventListener('click', (event) => {
        event.preventDefault();
        vscode.postMessage({ type: 'revealCell', cellId: row.cellId });
      });
      cell.append(link);
      const values = [row.startBytes, row.peakBytes, row.endBytes, row.retainedBytes].map((bytes) => {
        const td = document.createElement('td');
        td.textContent = bytes === null ? '…' : formatBytes(bytes, bytes === row.retainedBytes);
        return td;
      });
      tr.append(cell, ...values);
      return tr;
    }),
  );
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'snapshot':
      series.clear();
      for (const [key, points] of Object.entries(message.series)) appendPoints(key, points);
      processes = [...message.processes];
      markers = [...message.markers];
      findings = [...message.findings];
      paused = message.paused;
      windowSec = message.windowSec;
      windowSelect.value = windowSec === null ? 'all' : String(windowSec);
      pauseButton.textContent = paused ? 'Resume' : 'Pause';
      pauseButton.setAttribute('aria-pressed', String(paused));
      break;
    case 'samples':
      for (const [key, points] of Object.entries(message.points)) appendPoints(key, points);
      processes = [...message.processes];
      markers.push(...message.markers);
      findings = [...message.findings];
      break;
    case 'removed':
      series.delete(message.key);
      processes = processes.filter((p) => p.key !== message.key);
      break;
    case 'diagnosis':
      renderDiagnosis(message);
      return;
    case 'ledger':
      ledgerRows = [...message.entries];
      renderLedger();
      return;
  }
  renderProcesses();
  renderFindings();
  redraw();
});

windowSelect.addEventListener('change', () => {
  windowSec = windowSelect.value === 'all' ? null : Number(windowSelect.value);
  vscode.postMessage({ type: 'setWindow', windowSec });
  redraw();
});
pauseButton.addEventListener('click', () => {
  paused = !paused;
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
  pauseButton.setAttribute('aria-pressed', String(paused));
  vscode.postMessage({ type: 'setPaused', paused });
});
$('export-csv').addEventListener('click', () => {
  if (processSelect.value) vscode.postMessage({ type: 'exportCsv', key: processSelect.value });
});
$('export-png').addEventListener('click', () => {
  vscode.postMessage({ type: 'exportPng', dataUrl: canvas.toDataURL('image/png') });
});
for (const header of document.querySelectorAll<HTMLElement>('[data-sort]')) {
  header.addEventListener('click', () => {
    ledgerSort = header.dataset.sort as keyof LedgerRow;
    renderLedger();
  });
}
// Theme changes swap the body's class: read the colours again.
new MutationObserver(applyTheme).observe(document.body, { attributes: true, attributeFilter: ['class'] });
applyTheme();
vscode.postMessage({ type: 'ready' });
