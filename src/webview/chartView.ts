// The chart: one line per process, its limit and trough trend, and the event markers, drawn
// with chart.js from our own buffers, thinned per redraw to the chart's width.

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
import { formatBytes } from '../core/format';
import type { ChartMarker } from '../shared/protocol';
import { seriesName, visibleMarkers, windowStart, type PanelState } from './panelState';
import { SeriesBuffer, type XY } from './seriesBuffer';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend, Filler);

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

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

/** The buffer of a process whose points have not come yet (never written to). */
const NO_POINTS = new SeriesBuffer();

function markerStyle(marker: ChartMarker): string {
  return marker.kind === 'alarm' ? 'triangle' : marker.kind === 'restart' ? 'rectRot' : marker.kind === 'release' ? 'star' : 'circle';
}

export class ChartView {
  private readonly chart: Chart<'line', XY[]>;
  /** The line colours of the current theme: read in applyTheme, not per redraw (getComputedStyle forces a style pass). */
  private colors: string[] = [];
  /**
   * Datasets by role (`line:`, `limit:`, `trend:` + series id, and `events`), kept across
   * redraws and updated in place: chart.js keeps its resolved options per dataset object, and
   * fresh objects at every update made it resolve them all again.
   */
  private readonly datasetsById = new Map<string, ChartDataset<'line', XY[]>>();

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly empty: HTMLElement,
    /** Hidden element whose data attributes tell tests and benchmarks what is drawn. */
    private readonly stateElement: HTMLElement,
  ) {
    this.chart = new Chart(canvas, {
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
  }

  /** Reads the theme's colours again (at start and when the body's theme class changes). */
  applyTheme(): void {
    this.colors = palette();
    const foreground = cssVar('--vscode-foreground', '#cccccc');
    const grid = cssVar('--vscode-panel-border', 'rgba(128,128,128,0.3)');
    Chart.defaults.color = foreground;
    for (const axis of ['x', 'y'] as const) {
      const scale = this.chart.options.scales![axis]!;
      scale.grid = { color: grid };
      scale.ticks!.color = foreground;
    }
  }

  toPng(): string {
    return this.canvas.toDataURL('image/png');
  }

  render(state: PanelState): void {
    const { colors } = this;
    const now = Date.now();
    const from = windowStart(state.windowSec, now);
    const datasets: ChartDataset<'line', XY[]>[] = [];
    let drawnPoints = 0;
    // two points per pixel column at most: more cannot show, and chart.js's cost is per point
    const buckets = Math.max(100, Math.round(this.canvas.clientWidth || 400));
    state.processes.forEach((process, index) => {
      const color = colors[index % colors.length];
      const buffer = state.series.get(process.key) ?? NO_POINTS;
      const first = state.windowSec === null ? 0 : buffer.indexFrom(from);
      const to = buffer.length;
      const data = buffer.thinned(first, to, buckets);
      drawnPoints += to - first;
      datasets.push(this.reuse(`line:${process.key}`, { type: 'line', label: seriesName(process), data, borderColor: color, backgroundColor: color, borderWidth: 1.5, pointRadius: 0 }));
      if (data.length === 0) return;
      const start = data[0].x;
      const last = data[data.length - 1].x;
      if (process.limitBytes && process.rssBytes > 0.25 * process.limitBytes) {
        datasets.push(this.reuse(`limit:${process.key}`, { type: 'line', label: `${process.label} limit`, data: [{ x: start, y: process.limitBytes }, { x: last, y: process.limitBytes }], borderColor: colors[5], borderDash: [6, 4], borderWidth: 1, pointRadius: 0 }));
      }
      if (process.alarm && process.troughSlopeBytesPerSec > 0) {
        // the trough trend over what is shown, anchored at the lowest recent point
        const floor = buffer.minOf(to - Math.max(2, Math.floor((to - first) / 4)), to);
        const span = (last - start) / 1000;
        datasets.push(this.reuse(`trend:${process.key}`, { type: 'line', label: `${process.label} trough trend`, data: [{ x: start, y: Math.max(0, floor - process.troughSlopeBytesPerSec * span) }, { x: last, y: floor }], borderColor: color, borderDash: [2, 3], borderWidth: 1, pointRadius: 0 }));
      }
    });
    const shown = visibleMarkers(state, now);
    if (shown.length > 0) {
      datasets.push(this.reuse('events', {
        type: 'line',
        showLine: false,
        label: 'events',
        data: shown.map((marker) => ({ x: marker.t, y: state.series.get(marker.key)?.valueAt(marker.t) ?? 0 })),
        pointStyle: shown.map(markerStyle),
        pointRadius: 5,
        borderColor: colors[5],
        backgroundColor: colors[5],
      }));
    }
    // forget the datasets of processes that left
    const used = new Set(datasets);
    for (const [id, dataset] of this.datasetsById) if (!used.has(dataset)) this.datasetsById.delete(id);
    this.chart.data.datasets = datasets;
    this.chart.update('none');
    this.empty.hidden = state.processes.length > 0;
    this.canvas.parentElement!.hidden = state.processes.length === 0;
    this.stateElement.dataset.datasets = String(state.processes.length);
    this.stateElement.dataset.points = String(drawnPoints);
    this.stateElement.dataset.markers = String(shown.length);
    // The canvas's text for screen readers: the legend's series, in its words.
    const described = state.processes.length ? `Memory over time of ${state.processes.map(seriesName).join(', ')}` : 'Memory of the watched processes over time';
    if (this.canvas.getAttribute('aria-label') !== described) this.canvas.setAttribute('aria-label', described);
  }

  private reuse(id: string, fresh: ChartDataset<'line', XY[]>): ChartDataset<'line', XY[]> {
    const existing = this.datasetsById.get(id);
    if (!existing) {
      this.datasetsById.set(id, fresh);
      return fresh;
    }
    return Object.assign(existing, fresh);
  }
}
