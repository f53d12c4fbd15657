// Sees the code action requests VS Code itself makes (the light bulb's automatic ones as the
// cursor moves, the Invoke ones of Ctrl+. and vscode.executeCodeActionProvider): a provider
// that records each request's document, range and context and offers nothing. An in-host test
// hands a recorded context to the extension's own provider to see what that request got from it.
import * as vscode from 'vscode';
import { until } from '../../support/wait';

export interface CodeActionRequestSeen {
  readonly document: vscode.TextDocument;
  readonly range: vscode.Range;
  readonly context: vscode.CodeActionContext;
}

export class CodeActionSpy implements vscode.Disposable {
  readonly requests: CodeActionRequestSeen[] = [];
  private readonly registration = vscode.languages.registerCodeActionsProvider(
    { language: 'python' },
    {
      provideCodeActions: (document, range, context) => {
        this.requests.push({ document, range, context });
        return [];
      },
    },
  );

  /** Shows the document with the cursor on a line, and waits for the editor's own automatic request there. */
  async automaticRequestAt(document: vscode.TextDocument, line: number, column = 0): Promise<CodeActionRequestSeen> {
    const seen = this.requests.length;
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(line, column, line, column) });
    return until(
      `the editor to ask for code actions by itself at line ${line + 1} of ${document.uri.fsPath} (requests seen: ${this.describe(seen)})`,
      () => this.requests.slice(seen).find((r) => r.document.uri.toString() === document.uri.toString() && r.context.triggerKind === vscode.CodeActionTriggerKind.Automatic && r.range.start.line === line),
      20_000,
      100,
    );
  }

  /** The trigger kinds of the requests since `from`, for failure messages. */
  describe(from = 0): string {
    const kinds = this.requests.slice(from).map((r) => `${r.context.triggerKind === vscode.CodeActionTriggerKind.Invoke ? 'invoke' : 'automatic'}@${r.range.start.line + 1}${r.context.only ? `/${r.context.only.value}` : ''}`);
    return kinds.join(', ') || 'none';
  }

  dispose(): void {
    this.registration.dispose();
  }
}
