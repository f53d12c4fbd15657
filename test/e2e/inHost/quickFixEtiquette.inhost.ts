// The light bulb stays quiet on a loop without evidence: VS Code's own automatic request there
// gets nothing from this extension; an explicit request (Ctrl+., the Refactor… menu) gets the
// rewrites. (With an evidence diagnostic: evidence.inhost.ts.)
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { KernelMemoryWatchTestApi } from '../../../src/extension';
import { CodeActionSpy } from './codeActionSpy';
import { test } from './registry';

const WORKSPACE = vscode.workspace.workspaceFolders![0].uri.fsPath;
const OURS = /^(Collect|Return freed memory)/;

test('quick fixes: automatic requests on a loop without evidence get nothing from us; Ctrl+. and Refactor… get the rewrites', async () => {
  const extension = vscode.extensions.getExtension<KernelMemoryWatchTestApi>('kernel-memory-watch.kernel-memory-watch')!;
  const api = extension.isActive ? extension.exports : await extension.activate();
  const file = join(WORKSPACE, 'quiet_loop.py');
  writeFileSync(file, 'import numpy as np\n\nrows = []\nfor i in range(10):\n    rows.append(np.ones(1000))\nprint(len(rows))\n');
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const loopLine = 3;
  const spy = new CodeActionSpy();
  try {
    // the editor asks by itself as the cursor lands on the loop (what decides the light bulb)
    const automatic = await spy.automaticRequestAt(document, loopLine, 4);
    assert.deepEqual(automatic.context.diagnostics.filter((d) => d.source === 'Kernel Memory Watch'), [], 'no evidence on this loop');
    const quiet = api.quickFixes.provideCodeActions(automatic.document, automatic.range, automatic.context);
    assert.deepEqual((quiet ?? []).map((a) => a.title), [], 'no light bulb from us on a loop without evidence');

    // an explicit request goes through VS Code's Invoke path, as Ctrl+. does
    const seen = spy.requests.length;
    const range = document.lineAt(loopLine).range;
    const invoked = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, range)) ?? [];
    assert.ok(
      spy.requests.slice(seen).some((r) => r.context.triggerKind === vscode.CodeActionTriggerKind.Invoke),
      `the command asks as Ctrl+. does (requests seen: ${spy.describe(seen)})`,
    );
    const rewrites = invoked.filter((a) => OURS.test(a.title));
    assert.equal(rewrites.length, 9, `rewrites: ${rewrites.map((a) => a.title).join(' | ')}`);
    assert.ok(rewrites.every((a) => a.kind?.value === vscode.CodeActionKind.RefactorRewrite.value && !a.isPreferred && !a.diagnostics?.length));

    // the Refactor… menu asks for `refactor`; a quick-fix-only request gets none of the rewrites
    const refactor = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, range, vscode.CodeActionKind.Refactor.value)) ?? [];
    assert.equal(refactor.filter((a) => OURS.test(a.title)).length, 9);
    const quickFixOnly = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    assert.deepEqual(quickFixOnly.filter((a) => OURS.test(a.title)).map((a) => a.title), []);
  } finally {
    spy.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }
});
