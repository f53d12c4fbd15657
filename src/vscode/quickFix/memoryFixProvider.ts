import * as vscode from 'vscode';
import { EVIDENCE, isEvidenceCode, type FixKind } from '../../core/causes';
import { offeredFixes, type OfferedFix } from '../../python/fixCatalogue';
import { PythonSource } from '../../python/pythonSource';

export const DIAGNOSTIC_SOURCE = 'Kernel Memory Watch';

/** Diagnostic codes carry the evidence (src/core/causes.ts), so the provider knows which fix to prefer. */
export function preferredKind(code: string | undefined): FixKind | undefined {
  return isEvidenceCode(code) ? EVIDENCE[code].preferredFix : undefined;
}

/**
 * Quick fixes for loops (collect / trim / both; each, every N, after) and cached last
 * expressions in notebook cells. Without runtime evidence they are refactorings, so the light
 * bulb stays quiet; attached to our diagnostic they are quick fixes, the matching one preferred.
 */
export class MemoryFixProvider implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  /** The text parsed last: the next request (a few characters typed later) re-parses only the change. */
  private recent: PythonSource | undefined;

  constructor(private readonly everyN: () => number) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const source = PythonSource.parse(document.getText(), this.recent);
    this.recent = source;
    const isCell = document.uri.scheme === 'vscode-notebook-cell';
    const fixes = offeredFixes(source, range.start.line, { everyN: this.everyN(), notebookCell: isCell });
    if (fixes.length === 0) return [];
    const evidence = context.diagnostics.find((d) => d.source === DIAGNOSTIC_SOURCE);
    const preferred = preferredKind(typeof evidence?.code === 'string' ? evidence.code : undefined);
    const wanted = context.only;
    return fixes
      .map((fix) => this.toAction(document, fix, evidence, preferred))
      .filter((action) => !wanted || (action.kind && wanted.contains(action.kind)));
  }

  private toAction(document: vscode.TextDocument, fix: OfferedFix, evidence: vscode.Diagnostic | undefined, preferred: FixKind | undefined): vscode.CodeAction {
    const kind = evidence ? vscode.CodeActionKind.QuickFix : vscode.CodeActionKind.RefactorRewrite;
    const action = new vscode.CodeAction(fix.title, kind);
    const edit = new vscode.WorkspaceEdit();
    for (const change of fix.edits) {
      edit.replace(document.uri, new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)), change.text);
    }
    action.edit = edit;
    if (evidence) {
      action.diagnostics = [evidence];
      action.isPreferred = fix.kind === preferred && fix.placement.kind === 'each' && (fix.loop === undefined || fix.loop.line === evidence.range.start.line || fix.kind === 'display');
    }
    return action;
  }
}
