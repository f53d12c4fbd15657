// "What holds the live data": the diagnosis's table of the largest variables and cached outputs,
// each with "copy `del name`" and, when the ledger knows the cell, "go to where it was assigned".
// Builds its own DOM inside the container the panel gives it; imports only shared types.

import { formatBytes } from '../core/format';
import type { HolderRow, WebviewMessage } from '../shared/protocol';

const HEADERS = ['Name', 'Type', 'Shape', 'Size', 'Note', ''];

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function sizeText(row: HolderRow): string {
  const own = formatBytes(row.bytes);
  return row.sharedBytes > 0 ? `${own} (+${formatBytes(row.sharedBytes)} shared)` : own;
}

const CLEAR_OUTPUT_CACHE = 'kernelMemoryWatch.clearOutputCache';

function actions(row: HolderRow, key: string, post: (message: WebviewMessage) => void): HTMLTableCellElement {
  const td = document.createElement('td');
  td.className = 'holder-actions';
  const statement = row.del;
  if (statement !== null) {
    const copy = document.createElement('button');
    copy.textContent = `Copy ${statement}`;
    copy.title = `Copy “${statement}” to the clipboard, to paste into a cell`;
    copy.addEventListener('click', () => post({ type: 'copyDel', text: statement }));
    td.append(copy);
  }
  if (row.clearsWithOutputCache) {
    const clear = document.createElement('button');
    clear.textContent = 'Clear Output Cache';
    clear.title = "IPython's output cache (Out, _n, _) holds it: clear it (asks first; your variables stay)";
    clear.addEventListener('click', () => post({ type: 'runCommand', command: CLEAR_OUTPUT_CACHE, key }));
    td.append(' ', clear);
  }
  if (row.cellId !== null) {
    const go = document.createElement('a');
    go.href = '#';
    go.textContent = row.cell !== null ? `[${row.cell}]` : 'cell';
    go.title = 'Go to the cell where it was assigned';
    const cellId = row.cellId;
    go.addEventListener('click', (event) => {
      event.preventDefault();
      post({ type: 'revealCell', cellId });
    });
    td.append(' ', go);
  }
  return td;
}

/** Replaces the container's content with the holders table (hidden when there is nothing). */
export function renderHolders(
  container: HTMLElement,
  message: { readonly key: string; readonly holders?: readonly HolderRow[]; readonly holdersSummary?: string } | undefined,
  post: (message: WebviewMessage) => void,
): void {
  const rows = message?.holders;
  if (!message || !rows || rows.length === 0) {
    container.hidden = true;
    container.replaceChildren();
    return;
  }
  container.hidden = false;
  const title = document.createElement('h3');
  title.textContent = 'What holds the live data';
  const table = document.createElement('table');
  table.className = 'holders';
  const head = document.createElement('tr');
  for (const header of HEADERS) {
    const th = document.createElement('th');
    th.textContent = header;
    head.append(th);
  }
  table.createTHead().append(head);
  const body = table.createTBody();
  for (const row of rows) {
    const tr = document.createElement('tr');
    tr.dataset.holder = row.name;
    tr.append(cell(row.name, 'holder-name'), cell(row.type), cell(row.shape), cell(sizeText(row)), cell(row.note, 'holder-note'), actions(row, message.key, post));
    body.append(tr);
  }
  const note = document.createElement('p');
  note.className = 'holders-summary';
  note.textContent = message.holdersSummary ?? '';
  container.replaceChildren(title, table, note);
}
