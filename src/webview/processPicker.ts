// The process picker (which process "Export CSV" writes).

import type { ProcessView } from '../shared/protocol';
import { processOptionText } from './panelState';

/**
 * Updated in place while the same processes are listed: rebuilding it at every sample would
 * close it under the user's pointer and drop keyboard focus.
 */
export function renderProcessPicker(select: HTMLSelectElement, processes: readonly ProcessView[]): void {
  const texts = processes.map(processOptionText);
  const options = select.options;
  const sameKeys = options.length === processes.length && processes.every((process, i) => options[i].value === process.key);
  if (sameKeys) {
    texts.forEach((text, i) => {
      if (options[i].textContent !== text) options[i].textContent = text;
    });
    return;
  }
  const selected = select.value;
  select.replaceChildren(
    ...processes.map((process, i) => {
      const option = document.createElement('option');
      option.value = process.key;
      option.textContent = texts[i];
      return option;
    }),
  );
  if (processes.some((p) => p.key === selected)) select.value = selected;
}
