import * as vscode from 'vscode';
import { gaugeLevel, gaugeText, gaugeTooltip, pickProcess, type GaugeLevel } from '../../model/gauge';
import type { MemoryModel } from '../../model/memoryModel';
import type { Settings } from '../../model/settings';
import { CommandId } from '../commandIds';

export interface MemoryGaugeInit {
  readonly model: MemoryModel;
  readonly settings: () => Settings;
  readonly activeTerminalPids: () => ReadonlySet<number>;
  readonly canDiagnose: () => boolean;
}

/** The status-bar memory gauge: the process that matters now, its trend, its share of the limit. */
export class MemoryGauge implements vscode.Disposable {
  static readonly id = 'kernelMemoryWatch.gauge';
  private readonly item: vscode.StatusBarItem;
  private readonly warningBackground = new vscode.ThemeColor('statusBarItem.warningBackground');
  private readonly errorBackground = new vscode.ThemeColor('statusBarItem.errorBackground');
  private readonly disposables: vscode.Disposable[] = [];
  private lastRender = 0;
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly init: MemoryGaugeInit) {
    this.item = vscode.window.createStatusBarItem(MemoryGauge.id, vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Kernel Memory';
    this.item.command = CommandId.OpenPanel;
    const { model } = init;
    const onUpdate = model.onDidUpdate(() => this.schedule());
    this.disposables.push(
      this.item,
      new vscode.Disposable(() => onUpdate.dispose()),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.render()),
      vscode.window.onDidChangeActiveTerminal(() => this.render()),
    );
    this.render();
  }

  /** At most twice a second: several processes sampled at 4 Hz must not redraw 32 times. */
  private schedule(): void {
    const wait = 500 - (Date.now() - this.lastRender);
    if (wait <= 0) this.render();
    else this.pending ??= setTimeout(() => this.render(), wait);
  }

  render(): void {
    this.pending = undefined;
    this.lastRender = Date.now();
    const settings = this.init.settings();
    const processes = this.init.model.processes();
    const current = pickProcess(processes, {
      activeNotebook: vscode.window.activeNotebookEditor?.notebook.uri.toString(),
      activeTerminalPids: this.init.activeTerminalPids(),
    });
    if (!settings.showGauge || !current) {
      this.item.hide();
      return;
    }
    const level: GaugeLevel = gaugeLevel(current, settings);
    this.item.text = gaugeText(current);
    this.item.backgroundColor = level === 'error' ? this.errorBackground : level === 'warning' ? this.warningBackground : undefined;
    this.item.accessibilityInformation = { label: `Memory of ${current.label}: ${this.item.text.replace('$(pulse) ', '')}, ${current.pattern}${current.alarm ? ', alarm' : ''}` };
    const tooltip = new vscode.MarkdownString(
      gaugeTooltip(processes, {
        openPanel: `command:${CommandId.OpenPanel}`,
        diagnose: this.init.canDiagnose() ? `command:${CommandId.Diagnose}` : undefined,
        stopWatching: (seriesId) => `command:${CommandId.StopWatching}?${encodeURIComponent(JSON.stringify([seriesId]))}`,
      }),
      true,
    );
    tooltip.isTrusted = { enabledCommands: [CommandId.OpenPanel, CommandId.Diagnose, CommandId.StopWatching] };
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
