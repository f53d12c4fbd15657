// The findings list: one item per alarmed process with its actions.

import type { Finding } from '../shared/protocol';
import { findingDetail, findingsShape } from './panelState';

/**
 * Keyed by process: while the same processes have findings with the same actions, only their
 * texts change (a forecast moves at every sample), so a focused button keeps its focus and a
 * screen reader is not sent back to the top.
 */
export class FindingsView {
  private renderedShape = '';
  private readonly items = new Map<string, { title: HTMLElement; detail: HTMLElement }>();

  constructor(
    private readonly section: HTMLElement,
    private readonly list: HTMLElement,
    private readonly runCommand: (command: string, seriesId: string) => void,
  ) {}

  render(findings: readonly Finding[]): void {
    const shape = findingsShape(findings);
    if (shape !== this.renderedShape) {
      this.renderedShape = shape;
      this.items.clear();
      this.list.replaceChildren(...findings.map((finding) => this.item(finding)));
    }
    for (const finding of findings) {
      const item = this.items.get(finding.key)!;
      const detail = findingDetail(finding);
      if (item.title.textContent !== finding.title) item.title.textContent = finding.title;
      if (item.detail.textContent !== detail) item.detail.textContent = detail;
    }
    this.section.hidden = findings.length === 0;
  }

  private item(finding: Finding): HTMLElement {
    const item = document.createElement('li');
    const title = document.createElement('strong');
    const detail = document.createElement('p');
    item.append(title, detail);
    for (const action of finding.actions) {
      const button = document.createElement('button');
      button.textContent = action.title;
      button.addEventListener('click', () => this.runCommand(action.command, finding.key));
      item.append(button);
    }
    this.items.set(finding.key, { title, detail });
    return item;
  }
}
