// The panel in an editor tab (the same webview code, CSP and state as the sidebar's), and the
// actions the panel and the gauge's tooltip offer, which follow the kind of process.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { KernelMemoryWatchTestApi } from '../../../src/extension';
import { CommandId } from '../../../src/vscode/commandIds';
import { actionCommandsFor } from '../../../src/vscode/commands/processCommands';
import { MemoryPanel } from '../../../src/vscode/panel/memoryPanel';
import { until } from '../../support/wait';
import { test } from './registry';

const ROOT = process.env.KMW_REPO_ROOT!;
const WORKSPACE = vscode.workspace.workspaceFolders![0].uri.fsPath;

async function api(): Promise<KernelMemoryWatchTestApi> {
  const extension = vscode.extensions.getExtension<KernelMemoryWatchTestApi>('kernel-memory-watch.kernel-memory-watch')!;
  return extension.isActive ? extension.exports : await extension.activate();
}

/** A Python process that holds some memory and waits (stopped by PID at the end). */
function holdMemory(script: string): ChildProcess {
  writeFileSync(script, 'import time\nheld = bytearray(24 << 20)\nheld[::4096] = b"x" * len(held[::4096])\ntime.sleep(600)\n');
  return spawn('/usr/bin/python3', [script], { cwd: WORKSPACE, stdio: 'ignore' });
}

function stop(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
}

function editorTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(MemoryPanel.editorViewType));
}

test('panel: "Open Memory Chart in Editor" opens one editor tab with the same webview code, CSP and state', async () => {
  const { model, panel } = await api();
  const child = holdMemory(join(WORKSPACE, 'panel_job.py'));
  const snapshots: string[] = [];
  const listening = panel.onDidSendSnapshot((kind) => snapshots.push(kind));
  try {
    const view = await until('the process to be watched', async () => model.watch({ pid: child.pid!, label: 'panel_job.py', source: 'manual' }).catch(() => undefined), 10_000);
    await vscode.commands.executeCommand(CommandId.OpenPanelInEditor);
    const tab = panel.editorTab;
    assert.ok(tab, 'an editor tab is open');
    assert.equal(tab.viewType, MemoryPanel.editorViewType);
    assert.ok(tab.webview.options.enableScripts);
    const html = tab.webview.html;
    const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
    assert.ok(nonce, `a nonce in the CSP: ${html.slice(0, 400)}`);
    assert.match(html, /default-src 'none'/);
    assert.ok(html.includes(`<script nonce="${nonce}" src="`) && html.includes('dist/webview.js'), 'the sidebar\'s bundle, loaded with the nonce');
    // The bundle ran under that CSP: it said "ready", and got the model's snapshot.
    await until('the editor tab\'s script to be ready and get a snapshot', () => snapshots.includes('editor'), 30_000);
    assert.ok(model.process(view.key), 'the snapshot had the watched process');
    // Shared state: a pause from the host reaches the tab.
    const before = snapshots.length;
    panel.togglePause();
    await until('the tab to get the paused state', () => snapshots.slice(before).includes('editor'), 10_000);
    panel.togglePause();
    // Again: the same tab comes to the front, no second one.
    await vscode.commands.executeCommand(CommandId.OpenPanelInEditor);
    assert.equal(panel.editorTab, tab);
    assert.equal(editorTabs().length, 1, 'one editor tab');
    tab.dispose();
    await until('the tab to be gone', () => panel.editorTab === undefined && editorTabs().length === 0, 10_000);
    model.unwatch(view.key);
  } finally {
    listening.dispose();
    panel.editorTab?.dispose();
    stop(child);
  }
});

test('panel: a kernel is offered Diagnose, Release and its ledger; a script its file, never "Diagnose in kernel"', async () => {
  const { model, gauge, diagnostics } = await api();
  const scriptPath = join(WORKSPACE, 'actions_job.py');
  const script = holdMemory(scriptPath);
  const kernelLike = holdMemory(join(WORKSPACE, 'actions_kernel.py'));
  const notebookUri = vscode.Uri.file(join(WORKSPACE, 'actions.ipynb')).toString();
  try {
    const scriptView = await until('the script to be watched', async () =>
      model.watch({ pid: script.pid!, label: 'actions_job.py', source: 'terminal', resourceUri: vscode.Uri.file(scriptPath).toString() }).catch(() => undefined), 10_000);
    const kernelView = await until('the kernel to be watched', async () =>
      model.watch({ pid: kernelLike.pid!, label: 'actions.ipynb', source: 'kernel', resourceUri: notebookUri, seriesId: notebookUri }).catch(() => undefined), 10_000);

    const scriptTooltip = gauge.tooltipFor(model.processes(), scriptView);
    assert.ok(scriptTooltip.value.includes(`command:${CommandId.OpenScript}?${encodeURIComponent(JSON.stringify([scriptView.key]))}`), scriptTooltip.value);
    assert.doesNotMatch(scriptTooltip.value, /Diagnose|Release memory|Cell ledger/);
    const trusted = scriptTooltip.isTrusted as { enabledCommands: string[] };
    assert.ok(trusted.enabledCommands.includes(CommandId.OpenScript));
    assert.deepEqual(actionCommandsFor(scriptView, diagnostics).map((a) => a.command), [CommandId.OpenScript], 'no evidence yet: only the file');

    const kernelTooltip = gauge.tooltipFor(model.processes(), kernelView);
    const kernelArgument = encodeURIComponent(JSON.stringify([notebookUri]));
    for (const command of [CommandId.Diagnose, CommandId.ReleaseNow, CommandId.ShowLedger]) {
      assert.ok(kernelTooltip.value.includes(`command:${command}?${kernelArgument}`), `${command} in ${kernelTooltip.value}`);
    }
    assert.match(kernelTooltip.value, /Diagnose in kernel/);
    assert.doesNotMatch(kernelTooltip.value, /Open script|Show the loop|preferred fix/);

    await vscode.commands.executeCommand(CommandId.OpenScript, scriptView.key);
    await until('the script to open in an editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === scriptPath, 10_000);
    model.unwatch(scriptView.key);
    model.unwatch(kernelView.key);
  } finally {
    stop(script);
    stop(kernelLike);
  }
});

test('panel: a ratcheting script\'s actions show its loop and apply the preferred fix there', async () => {
  const { model, diagnostics } = await api();
  copyFileSync(join(ROOT, 'test/workloads/_common.py'), join(WORKSPACE, '_common.py'));
  copyFileSync(join(ROOT, 'test/workloads/allocator_retention.py'), join(WORKSPACE, 'actions_retention.py'));
  const script = vscode.Uri.file(join(WORKSPACE, 'actions_retention.py'));
  const terminal = vscode.window.createTerminal({ name: 'actions', cwd: WORKSPACE });
  terminal.sendText('/usr/bin/python3 actions_retention.py --iterations 240');
  let pid: number | undefined;
  try {
    const diagnostic = await until('a warning on the script', () => vscode.languages.getDiagnostics(script).find((d) => d.source === 'Kernel Memory Watch'), 90_000, 500);
    const view = model.processes().find((p) => p.source === 'terminal' && !p.exited && p.resourceUri === script.toString());
    assert.ok(view, `the script's process: ${JSON.stringify(model.processes().map((p) => [p.label, p.source, p.resourceUri]))}`);
    pid = view.pid;
    const commands = actionCommandsFor(view, diagnostics).map((a) => a.command);
    const code = String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code);
    const preferred = code === 'staircase' || code === 'sawtooth-ratchet';
    assert.deepEqual(commands, [CommandId.ShowEvidence, ...(preferred ? [CommandId.ApplyPreferredFix] : []), CommandId.OpenScript], `code ${code}`);

    const editor = await vscode.commands.executeCommand<vscode.TextEditor | undefined>(CommandId.ShowEvidence, view.key);
    assert.equal(editor?.document.uri.fsPath, script.fsPath);
    assert.equal(editor?.selection.active.line, diagnostic.range.start.line, 'the cursor on the loop');
    if (preferred) {
      const title = await vscode.commands.executeCommand<string | undefined>(CommandId.ApplyPreferredFix, view.key);
      assert.ok(title, 'a fix was applied');
      const text = vscode.window.activeTextEditor!.document.getText();
      assert.match(text, code === 'staircase' ? /malloc_trim/ : /gc\.collect\(\)/, title);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  } finally {
    terminal.dispose();
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // it ended with its terminal
      }
    }
  }
});
