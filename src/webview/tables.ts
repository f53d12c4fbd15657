// The kernel diagnosis table and the per-cell ledger table.

import { formatBytes } from '../core/format';
import type { LedgerRow } from '../shared/protocol';
import type { DiagnosisMessage } from './panelState';

export function renderDiagnosis(section: HTMLElement, headline: HTMLElement, body: HTMLElement, diagnosis: DiagnosisMessage | undefined): void {
  section.hidden = diagnosis === undefined;
  if (!diagnosis) return;
  headline.textContent = diagnosis.headline;
  body.replaceChildren(
    ...diagnosis.rows.map((row) => {
      const tr = document.createElement('tr');
      const label = document.createElement('td');
      label.textContent = row.label;
      const value = document.createElement('td');
      value.textContent = `${(row.bytes / 1024 / 1024).toFixed(0)} MB`;
      tr.append(label, value);
      return tr;
    }),
  );
}

/** `rows` come sorted; a click on a cell's link asks the host to reveal that cell. */
export function renderLedger(section: HTMLElement, body: HTMLElement, rows: readonly LedgerRow[], revealCell: (cellId: string) => void): void {
  section.hidden = rows.length === 0;
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      const cell = document.createElement('td');
      const link = document.createElement('a');
      link.href = '#';
      link.textContent = row.executionOrder !== null ? `[${row.executionOrder}]` : row.label;
      link.title = row.label; // a remote kernel's cell: its first line of code
      link.addEventListener('click', (event) => {
        event.preventDefault();
        revealCell(row.cellId);
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
