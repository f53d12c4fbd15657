import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { KernelMemoryWatchTestApi } from '../../../src/extension';
import { until } from '../../support/wait';
import { test } from './registry';

const ROOT = process.env.KMW_REPO_ROOT!;
const WORKSPACE = vscode.workspace.workspaceFolders![0].uri.fsPath;

test('a ratcheting terminal script gets a warning on its allocating loop, and the matching quick fix is preferred', async () => {
  const extension = vscode.extensions.getExtension<KernelMemoryWatchTestApi>('kernel-memory-watch.kernel-memory-watch')!;
  const { model } = extension.isActive ? extension.exports : await extension.activate();
  for (const name of ['_common.py', 'allocator_retention.py']) copyFileSync(join(ROOT, 'test/workloads', name), join(WORKSPACE, name));
  const script = vscode.Uri.file(join(WORKSPACE, 'allocator_retention.py'));
  const terminal = vscode.window.createTerminal({ name: 'evidence', cwd: WORKSPACE });
  terminal.sendText(`/usr/bin/python3 allocator_retention.py --iterations 30`);
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
    // the process ends: its diagnostics go
    const view = model.processes().find((p) => p.source === 'terminal' && p.label.startsWith('allocator_retention.py'))!;
    await until('the script to exit', () => model.process(view.key)?.exited, 90_000, 500);
    await until('the diagnostics to clear', () => vscode.languages.getDiagnostics(script).every((d) => d.source !== 'Kernel Memory Watch'), 10_000);
  } finally {
    terminal.dispose();
  }
});
