// The panel's webview (sidebar view and editor tab alike): wires the DOM to the pure panel
// state and its views. Imports only the shared protocol types, never host code.

import type { HostMessage, WebviewMessage } from '../shared/protocol';
import { ChartView } from './chartView';
import { FindingsView } from './findingsView';
import { INITIAL_PANEL_STATE, isLedgerSortColumn, reducePanel, sortedLedger, type PanelAction, type PanelState } from './panelState';
import { renderProcessPicker } from './processPicker';
import { renderDiagnosis, renderLedger } from './tables';
import { renderHolders } from './holdersView';

declare function acquireVsCodeApi(): { postMessage(message: WebviewMessage): void };
const vscode = acquireVsCodeApi();

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const processSelect = $<HTMLSelectElement>('process');
const windowSelect = $<HTMLSelectElement>('window');
const pauseButton = $<HTMLButtonElement>('pause');

const chart = new ChartView($<HTMLCanvasElement>('chart'), $('empty'), $('chart-state'));
const findings = new FindingsView($('findings-section'), $('findings'), (command, seriesId) =>
  vscode.postMessage({ type: 'runCommand', command, key: seriesId }),
);
const revealCell = (cellId: string): void => vscode.postMessage({ type: 'revealCell', cellId });

let state: PanelState = INITIAL_PANEL_STATE;

function renderControls(): void {
  windowSelect.value = state.windowSec === null ? 'all' : String(state.windowSec);
  pauseButton.textContent = state.paused ? 'Resume' : 'Pause';
  pauseButton.setAttribute('aria-pressed', String(state.paused));
}

/** Applies an event and redraws what it changed. */
function dispatch(event: HostMessage | PanelAction): void {
  const before = state;
  state = reducePanel(state, event);
  if (state.paused !== before.paused || state.windowSec !== before.windowSec) renderControls();
  if (state.diagnosis !== before.diagnosis) {
    renderDiagnosis($('diagnosis-section'), $('diagnosis-headline'), $('diagnosis-rows'), state.diagnosis);
    renderHolders($('holders'), state.diagnosis, (message) => vscode.postMessage(message));
  }
  if (state.ledger !== before.ledger || state.ledgerSort !== before.ledgerSort) renderLedger($('ledger-section'), $('ledger-rows'), sortedLedger(state), revealCell);
  const dataChanged = state.seriesVersion !== before.seriesVersion || state.processes !== before.processes;
  if (dataChanged) {
    renderProcessPicker(processSelect, state.processes);
    findings.render(state.findings);
  }
  if (dataChanged || state.windowSec !== before.windowSec) chart.render(state);
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => dispatch(event.data));

windowSelect.addEventListener('change', () => {
  const windowSec = windowSelect.value === 'all' ? null : Number(windowSelect.value);
  dispatch({ type: 'chooseWindow', windowSec });
  vscode.postMessage({ type: 'setWindow', windowSec });
});
pauseButton.addEventListener('click', () => {
  dispatch({ type: 'togglePause' });
  vscode.postMessage({ type: 'setPaused', paused: state.paused });
});
$('export-csv').addEventListener('click', () => {
  if (processSelect.value) vscode.postMessage({ type: 'exportCsv', key: processSelect.value });
});
$('export-png').addEventListener('click', () => {
  vscode.postMessage({ type: 'exportPng', dataUrl: chart.toPng() });
});
for (const header of document.querySelectorAll<HTMLElement>('[data-sort]')) {
  header.addEventListener('click', () => {
    if (isLedgerSortColumn(header.dataset.sort)) dispatch({ type: 'sortLedger', column: header.dataset.sort });
  });
}
// Theme changes swap the body's class: read the colours again.
const applyTheme = (): void => {
  chart.applyTheme();
  chart.render(state);
};
new MutationObserver(applyTheme).observe(document.body, { attributes: true, attributeFilter: ['class'] });
applyTheme();
vscode.postMessage({ type: 'ready' });
