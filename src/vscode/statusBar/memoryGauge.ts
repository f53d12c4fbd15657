import * as vscode from 'vscode';
import { gaugeLevel, gaugeText, gaugeTooltip, pickProcess, type GaugeLevel } from '../../model/gauge';
import type { MemoryModel } from '../../model/memoryModel';
import type { Settings } from '../../model/settings';
import type { ProcessView } from '../../shared/protocol';
import { CommandId } from '../commandIds';
import { ACTION_COMMANDS, type ActionCommand } from '../commands/processCommands';

/** A command link that passes one argument (a series id). */
function commandLink(command: CommandId, seriesId: string): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([seriesId]))}`;
}

export interface MemoryGaugeInit {
  readonly model: MemoryModel;
  readonly settings: () => Settings;
  readonly activeTerminalPids: () => ReadonlySet<number>;
  /** The actions that fit a process (its kind, its evidence): the tooltip links to them. */
  readonly actionsFor: (process: ProcessView) => readonly ActionCommand[];
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
    this.item.tooltip = this.tooltipFor(processes, current);
    this.item.show();
  }

  /** The tooltip: every process, then the actions that fit the one shown (public for tests). */
  tooltipFor(processes: readonly ProcessView[], current: ProcessView): vscode.MarkdownString {
    const tooltip = new vscode.MarkdownString(
      gaugeTooltip(processes, {
        openPanel: `command:${CommandId.OpenPanel}`,
        stopWatching: (seriesId) => commandLink(CommandId.StopWatching, seriesId),
        current: {
          label: current.label,
          actions: this.init.actionsFor(current).map((action) => ({ title: action.title, icon: action.icon, link: commandLink(action.command, current.key) })),
        },
      }),
      true,
    );
    tooltip.isTrusted = { enabledCommands: [CommandId.OpenPanel, CommandId.StopWatching, ...Object.values(ACTION_COMMANDS)] };
    return tooltip;
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
