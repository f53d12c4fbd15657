// What the status-bar gauge shows: which process, its text, its colour, its tooltip table. Pure.

import { formatBytes, formatDuration, measureLabel, trendArrow } from '../core/format';
import type { ProcessView } from '../shared/protocol';
import type { Settings } from './settings';

export type GaugeLevel = 'normal' | 'warning' | 'error';

export interface GaugeContext {
  /** Series id (notebook URI) of the active notebook's kernel, if any. */
  readonly activeNotebook?: string;
  /** PID of the active terminal's shell, and the PIDs of Python processes under it. */
  readonly activeTerminalPids?: ReadonlySet<number>;
}

/** The kernel of the active notebook, else the Python process of the active terminal, else the largest. */
export function pickProcess(processes: readonly ProcessView[], context: GaugeContext): ProcessView | undefined {
  const live = processes.filter((p) => !p.exited);
  if (context.activeNotebook) {
    const kernel = live.find((p) => p.source === 'kernel' && (p.key === context.activeNotebook || p.resourceUri === context.activeNotebook));
    if (kernel) return kernel;
  }
  if (context.activeTerminalPids) {
    const terminal = live.find((p) => context.activeTerminalPids!.has(p.pid));
    if (terminal) return terminal;
  }
  return [...live].sort((a, b) => b.rssBytes - a.rssBytes)[0];
}

/** Five minutes: time enough to save work or stop a loop. */
const ERROR_FORECAST_SEC = 300;

export function gaugeLevel(process: ProcessView, settings: Pick<Settings, 'warningShare' | 'errorShare'>): GaugeLevel {
  const share = process.limitBytes ? process.rssBytes / process.limitBytes : 0;
  if (share >= settings.errorShare) return 'error';
  if (process.secondsToLimit !== null && process.secondsToLimit <= ERROR_FORECAST_SEC && process.alarm) return 'error';
  if (share >= settings.warningShare || process.alarm) return 'warning';
  return 'normal';
}

export function gaugeText(process: ProcessView | undefined): string {
  if (!process) return '$(pulse) Memory';
  const share = process.limitBytes ? ` (${Math.round((process.rssBytes / process.limitBytes) * 100)} %)` : '';
  return `$(pulse) ${formatBytes(process.rssBytes)} ${trendArrow(process)}${share}`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

export interface TooltipAction {
  readonly title: string;
  /** A codicon, such as `$(beaker)`. */
  readonly icon: string;
  readonly link: string;
}

export interface TooltipLinks {
  readonly openPanel: string;
  readonly stopWatching: (seriesId: string) => string;
  /** The actions that fit the process the gauge shows (see model/processActions.ts). */
  readonly current?: { readonly label: string; readonly actions: readonly TooltipAction[] };
}

/** The figure and which measure it is: a tree's PSS shows its summed RSS beside it. */
function memoryCell(p: ProcessView): string {
  const rss = p.measure === 'pss' ? ` (RSS ${formatBytes(p.summedRssBytes)})` : '';
  return `${formatBytes(p.rssBytes)} ${measureLabel(p.measure)}${rss}`;
}

/** Markdown: a table of every watched process, then why a tree is measured by RSS, then command links. */
export function gaugeTooltip(processes: readonly ProcessView[], links: TooltipLinks): string {
  const live = processes.filter((p) => !p.exited);
  if (live.length === 0) return 'Kernel Memory Watch: no Python process is watched yet. Run a notebook cell or a Python script.';
  const rows = live.map((p) => {
    const forecast = p.alarm && p.secondsToLimit !== null ? `, limit in ${formatDuration(p.secondsToLimit)}` : '';
    const name = p.source === 'remote' ? `${p.label} (remote)` : p.label;
    if (p.status) return `| ${escapeMarkdown(name)} | ${escapeMarkdown(p.status)} | | | | [stop](${links.stopWatching(p.key)}) |`;
    return `| ${escapeMarkdown(name)} | ${memoryCell(p)} | ${trendArrow(p)} | ${p.pattern}${p.alarm ? ' ⚠' : ''}${forecast} | ${escapeMarkdown(p.limitSource ?? '')} | [stop](${links.stopWatching(p.key)}) |`;
  });
  // A remote kernel's note says what its figure is and where it comes from (it covers the measure's note).
  const notes = live.filter((p) => p.note ?? p.measureNote).map((p) => `${escapeMarkdown(p.label)}: ${escapeMarkdown((p.note ?? p.measureNote)!)}`);
  const lines = ['| Process | Memory | Trend | Pattern | Limit from | |', '|---|---|---|---|---|---|', ...rows, ''];
  for (const note of notes) lines.push(note, '');
  lines.push(`[$(graph) Open panel](${links.openPanel})`);
  const current = links.current;
  if (current && current.actions.length > 0) {
    lines.push('', `${escapeMarkdown(current.label)}: ${current.actions.map((action) => `[${action.icon} ${action.title}](${action.link})`).join(' · ')}`);
  }
  return lines.join('\n');
}
