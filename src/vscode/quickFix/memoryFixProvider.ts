import * as vscode from 'vscode';
import { QUICK_FIX, chooseCodeActions, mayOffer, type ChosenAction, type CodeActionRequest } from '../../python/codeActionChoice';
import { offeredFixes } from '../../python/fixCatalogue';
import { PythonSource } from '../../python/pythonSource';

export const DIAGNOSTIC_SOURCE = 'Kernel Memory Watch';

/**
 * Quick fixes for loops (collect / trim / both; each, every N, after) and cached last
 * expressions in notebook cells. Which ones a request gets is python/codeActionChoice.ts's
 * decision: the light bulb shows by itself only on this extension's evidence diagnostics; the
 * rewrites of a loop without evidence come when the user asks (Ctrl+., Refactor…).
 */
export class MemoryFixProvider implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  /** The text parsed last: the next request (a few characters typed later) re-parses only the change. */
  private recent: PythonSource | undefined;

  constructor(private readonly everyN: () => number) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const evidence = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    const request: CodeActionRequest = {
      trigger: context.triggerKind === vscode.CodeActionTriggerKind.Invoke ? 'invoke' : 'automatic',
      only: context.only?.value,
      evidence: evidence.map((d) => ({ code: codeOf(d), line: d.range.start.line })),
    };
    if (!mayOffer(request)) return []; // the cursor moved over code without evidence: not even a parse
    const source = PythonSource.parse(document.getText(), this.recent);
    this.recent = source;
    const fixes = offeredFixes(source, range.start.line, { everyN: this.everyN(), notebookCell: document.uri.scheme === 'vscode-notebook-cell' });
    return chooseCodeActions(request, fixes).map((choice) => toAction(document, choice, choice.evidence === undefined ? undefined : evidence[choice.evidence]));
  }
}

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return code === undefined ? undefined : String(code);
}

function toAction(document: vscode.TextDocument, choice: ChosenAction, diagnostic: vscode.Diagnostic | undefined): vscode.CodeAction {
  const action = new vscode.CodeAction(choice.fix.title, choice.kind === QUICK_FIX ? vscode.CodeActionKind.QuickFix : vscode.CodeActionKind.RefactorRewrite);
  const edit = new vscode.WorkspaceEdit();
  for (const change of choice.fix.edits) {
    edit.replace(document.uri, new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)), change.text);
  }
  action.edit = edit;
  if (diagnostic) action.diagnostics = [diagnostic];
  action.isPreferred = choice.preferred;
  return action;
}
