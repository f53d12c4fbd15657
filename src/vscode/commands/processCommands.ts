import * as vscode from 'vscode';
import type { MemoryModel } from '../../model/memoryModel';
import { PROCESS_ACTIONS, processActions, type ProcessActionKind } from '../../model/processActions';
import type { ProcessView } from '../../shared/protocol';
import { CommandId } from '../commandIds';
import type { EvidenceDiagnostics } from '../quickFix/evidenceDiagnostics';

/** The command behind each action; each takes the series id of the process it is for. */
export const ACTION_COMMANDS = {
  diagnose: CommandId.Diagnose,
  release: CommandId.ReleaseNow,
  showLedger: CommandId.ShowLedger,
  showEvidence: CommandId.ShowEvidence,
  applyPreferredFix: CommandId.ApplyPreferredFix,
  openScript: CommandId.OpenScript,
} as const satisfies Record<ProcessActionKind, CommandId>;

export interface ActionCommand {
  readonly command: CommandId;
  readonly title: string;
  readonly icon: string;
}

/** The actions that fit this process now (its kind, its evidence), as commands. */
export function actionCommandsFor(process: ProcessView, diagnostics: EvidenceDiagnostics): ActionCommand[] {
  return processActions(process, { evidence: diagnostics.evidenceCodeOf(process.key) }).map((kind) => ({
    command: ACTION_COMMANDS[kind],
    ...PROCESS_ACTIONS[kind],
  }));
}

/**
 * The commands a script's actions run: show its evidence diagnostic, apply the quick fix the
 * provider prefers for it (the same one the lightbulb marks), open the script.
 */
export class ProcessCommands {
  constructor(
    private readonly model: MemoryModel,
    private readonly diagnostics: EvidenceDiagnostics,
  ) {}

  async showEvidence(seriesId: unknown): Promise<vscode.TextEditor | undefined> {
    const evidence = typeof seriesId === 'string' ? this.diagnostics.evidenceOf(seriesId)[0] : undefined;
    if (!evidence) {
      void vscode.window.showInformationMessage('This process has left no warning on a loop (yet).');
      return undefined;
    }
    const range = evidence.diagnostic.range;
    return vscode.window.showTextDocument(evidence.uri, { selection: new vscode.Range(range.start, range.start) });
  }

  /** Applies the preferred quick fix of the process's evidence; returns its title, if one was applied. */
  async applyPreferredFix(seriesId: unknown): Promise<string | undefined> {
    const evidence = typeof seriesId === 'string' ? this.diagnostics.evidenceOf(seriesId)[0] : undefined;
    if (!evidence) {
      void vscode.window.showInformationMessage('This process has left no warning on a loop (yet).');
      return undefined;
    }
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', evidence.uri, evidence.diagnostic.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    // Asked at the evidence's range for quick fixes: our provider marks the preferred one only
    // when the evidence is attached. (The command's results carry no `diagnostics` to check.)
    const preferred = actions.find((action) => action.isPreferred && action.edit);
    if (!preferred?.edit) {
      void vscode.window.showInformationMessage('No edit of the loop is preferred for this growth: see the quick fixes (Ctrl+.) on the warning.');
      return undefined;
    }
    await vscode.window.showTextDocument(evidence.uri, { preview: false });
    if (!(await vscode.workspace.applyEdit(preferred.edit))) return undefined;
    return preferred.title;
  }

  async openScript(seriesId: unknown): Promise<vscode.TextEditor | undefined> {
    const resourceUri = typeof seriesId === 'string' ? this.model.process(seriesId)?.resourceUri : undefined;
    if (!resourceUri?.startsWith('file:')) {
      void vscode.window.showInformationMessage('The script of this process is not known.');
      return undefined;
    }
    return vscode.window.showTextDocument(vscode.Uri.parse(resourceUri), { preview: false });
  }
}
