import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { KernelMemoryWatchTestApi } from '../../../src/extension';
import { until } from '../../support/wait';
import { CodeActionSpy } from './codeActionSpy';
import { test } from './registry';

const ROOT = process.env.KMW_REPO_ROOT!;
const WORKSPACE = vscode.workspace.workspaceFolders![0].uri.fsPath;

test('a ratcheting terminal script gets a warning on its allocating loop; the light bulb offers the quick fixes it calls for, the preferred one first', async () => {
  const extension = vscode.extensions.getExtension<KernelMemoryWatchTestApi>('kernel-memory-watch.kernel-memory-watch')!;
  const { model, quickFixes } = extension.isActive ? extension.exports : await extension.activate();
  for (const name of ['_common.py', 'allocator_retention.py']) copyFileSync(join(ROOT, 'test/workloads', name), join(WORKSPACE, name));
  const script = vscode.Uri.file(join(WORKSPACE, 'allocator_retention.py'));
  const terminal = vscode.window.createTerminal({ name: 'evidence', cwd: WORKSPACE });
  terminal.sendText(`/usr/bin/python3 allocator_retention.py --iterations 30 --sleep 0.6`);
  const spy = new CodeActionSpy();
  try {
    const diagnostic = await until('a diagnostic on the script', () => vscode.languages.getDiagnostics(script).find((d) => d.source === 'Kernel Memory Watch'), 90_000, 500);
    const document = await vscode.workspace.openTextDocument(script);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning, 'a warning');
    assert.match(document.lineAt(diagnostic.range.start.line).text, /^for i in range/);
    assert.match(diagnostic.message, /^RSS troughs \+\S+ \S+( over \d+ teeth)? while this script ran; .+\.$/);
    // the pattern at the moment of the alarm: a staircase, or a climb not yet recognised as one
    const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
    assert.ok(['staircase', 'steady-growth'].includes(String(code)), `code ${String(code)}`);
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', script, diagnostic.range)) ?? [];
    const ours = actions.filter((a) => /^(Collect|Return freed memory)/.test(a.title));
    assert.ok(ours.length >= 9, `${ours.length} quick fixes`);
    assert.ok(ours.every((a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value));
    const preferred = ours.filter((a) => a.isPreferred);
    if (diagnostic.code === 'staircase') {
      assert.equal(preferred.length, 1, `preferred: ${preferred.map((a) => a.title).join(', ')}`);
      assert.match(preferred[0].title, /^Collect garbage, then return freed memory to the OS each iteration/);
    } else {
      assert.equal(preferred.length, 0, 'live data growth has no preferred release');
    }
    // the editor's own automatic request on the loop (the light bulb): only the fixes the evidence calls for, preferred first
    const automatic = await spy.automaticRequestAt(document, diagnostic.range.start.line, 4);
    assert.ok(automatic.context.diagnostics.some((d) => d.source === 'Kernel Memory Watch'), `the request carries the evidence (${automatic.context.diagnostics.map((d) => d.message).join(' | ')})`);
    const lightBulb = quickFixes.provideCodeActions(automatic.document, automatic.range, automatic.context).filter((a) => /^(Collect|Return freed memory)/.test(a.title));
    if (code === 'staircase') {
      assert.ok(lightBulb.length > 0 && lightBulb.every((a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value && a.diagnostics?.length === 1));
      assert.equal(lightBulb[0].isPreferred, true, `first: ${lightBulb[0]?.title}`);
      assert.match(lightBulb[0].title, /^Collect garbage, then return freed memory to the OS each iteration/);
      assert.equal(lightBulb.filter((a) => a.isPreferred).length, 1);
    } else {
      assert.deepEqual(lightBulb.map((a) => a.title), [], 'live data growth: no release fix is offered unasked');
    }
    // the process ends: its diagnostics go
    const view = model.processes().find((p) => p.source === 'terminal' && p.label.startsWith('allocator_retention.py'))!;
    await until('the script to exit', () => model.process(view.key)?.exited, 90_000, 500);
    await until('the diagnostics to clear', () => vscode.languages.getDiagnostics(script).every((d) => d.source !== 'Kernel Memory Watch'), 10_000);
  } finally {
    spy.dispose();
    terminal.dispose();
  }
});
