import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { KernelMemoryWatchTestApi } from '../../../src/extension';
import { pickProcess } from '../../../src/model/gauge';
import { test } from './registry';
import { until, freePort } from '../../support/wait';

const ROOT = process.env.KMW_REPO_ROOT!;
const WORKSPACE = vscode.workspace.workspaceFolders![0].uri.fsPath;

async function api(): Promise<KernelMemoryWatchTestApi> {
  const extension = vscode.extensions.getExtension<KernelMemoryWatchTestApi>('kernel-memory-watch.kernel-memory-watch');
  assert.ok(extension, 'the extension is installed');
  const exports = extension.isActive ? extension.exports : await extension.activate();
  assert.ok(exports, 'the extension exports its test API in test mode');
  return exports;
}



/** A real ipykernel, started the way VS Code starts kernels: a child of this extension host. */
async function startKernel(cwd: string): Promise<ChildProcess> {
  const ports = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const file = join(cwd, `.kernel-${randomBytes(3).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify({ shell_port: ports[0], iopub_port: ports[1], stdin_port: ports[2], control_port: ports[3], hb_port: ports[4], ip: '127.0.0.1', key: randomBytes(8).toString('hex'), transport: 'tcp', signature_scheme: 'hmac-sha256' }));
  return spawn('/usr/bin/python3', ['-m', 'ipykernel_launcher', '-f', file], { cwd, stdio: 'ignore' });
}

test('a real ipykernel child of the extension host is discovered, mapped to its notebook and sampled; a restart continues its series', async () => {
  const { model, discovery } = await api();
  const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.file(join(WORKSPACE, 'analysis.ipynb')));
  await vscode.window.showNotebookDocument(notebook);
  const kernel = await startKernel(WORKSPACE);
  try {
    await discovery.scan();
    const view = await until('the kernel to be sampled', () => model.processes().find((p) => p.pid === kernel.pid && p.rssBytes > 10 * 1024 * 1024));
    assert.equal(view.source, 'kernel');
    assert.equal(view.key, notebook.uri.toString());
    assert.equal(view.label, 'analysis.ipynb');
    assert.equal(pickProcess(model.processes(), { activeNotebook: notebook.uri.toString() })?.pid, kernel.pid, 'the gauge shows the active notebook\'s kernel');
    // restart: the old process goes, a new one serves the same notebook
    kernel.kill('SIGKILL');
    await until('the exit to be seen', () => model.process(notebook.uri.toString())?.exited);
    const restarted = await startKernel(WORKSPACE);
    try {
      await discovery.scan();
      const again = await until('the new kernel', () => model.processes().find((p) => p.pid === restarted.pid && p.rssBytes > 0));
      assert.equal(again.key, notebook.uri.toString(), 'the same series continues');
      assert.ok(model.markers().some((m) => m.key === notebook.uri.toString() && m.kind === 'restart'), 'a restart marker');
    } finally {
      restarted.kill('SIGKILL');
    }
  } finally {
    kernel.kill('SIGKILL');
  }
});

test('a command that starts Python seconds after it began (a wrapper such as poetry run) is discovered while it runs', async () => {
  const { model } = await api();
  const terminal = vscode.window.createTerminal({ name: 'kmw-late', cwd: WORKSPACE });
  terminal.show();
  try {
    // with shell integration the terminal is looked at when a command starts, not on a timer
    const shell = await until('shell integration in the terminal', () => terminal.shellIntegration, 60_000);
    shell.executeCommand(`sleep 5; /usr/bin/python3 ${join(ROOT, 'test/workloads/healthy_plain_loop.py')} --iterations 400 --sleep 0.05`);
    const view = await until('the late script', () => model.processes().find((p) => p.source === 'terminal' && p.label === 'healthy_plain_loop.py (kmw-late)' && !p.exited), 60_000);
    assert.ok(view.resourceUri?.endsWith('test/workloads/healthy_plain_loop.py'));
  } finally {
    terminal.dispose();
  }
});

test('a terminal relaunched with a new shell (as when Git changes the environment before it is used) still has its scripts found', async () => {
  const { model, discovery } = await api();
  const terminal = vscode.window.createTerminal({ name: 'kmw-relaunch', cwd: WORKSPACE });
  terminal.show();
  try {
    const first = await until('the first shell PID', async () => await terminal.processId, 30_000);
    await discovery.scan(); // the first shell is seen before the relaunch
    await until('the terminal to be active', () => vscode.window.activeTerminal === terminal, 30_000);
    await vscode.commands.executeCommand('workbench.action.terminal.relaunch');
    let second: number | undefined;
    await until('a new shell PID', async () => {
      second = await terminal.processId;
      return second !== undefined && second !== first ? second : undefined;
    }, 30_000);
    terminal.sendText(`/usr/bin/python3 ${join(ROOT, 'test/workloads/healthy_plain_loop.py')} --iterations 400 --sleep 0.05`);
    const view = await until('the script of the relaunched shell', () => model.processes().find((p) => p.source === 'terminal' && p.label === 'healthy_plain_loop.py (kmw-relaunch)' && !p.exited), 60_000);
    assert.notEqual(view.pid, second);
  } finally {
    terminal.dispose();
  }
});

test('a Python script started in an integrated terminal is discovered, labelled with its script and terminal', async () => {
  const { model } = await api();
  const terminal = vscode.window.createTerminal({ name: 'kmw-e2e', cwd: WORKSPACE });
  terminal.show();
  terminal.sendText(`/usr/bin/python3 ${join(ROOT, 'test/workloads/steady_leak.py')} --iterations 40 --sleep 0.1`);
  const view = await until('the terminal script', () => model.processes().find((p) => p.source === 'terminal' && p.label.startsWith('steady_leak.py')), 40_000);
  assert.match(view.label, /steady_leak\.py \(kmw-e2e\)/);
  assert.ok(view.resourceUri?.endsWith('test/workloads/steady_leak.py'));
  // it exits by itself: the model and the gauge stay consistent
  const exited = await until('the script to exit', () => {
    const current = model.process(view.key);
    return current?.exited ? current : undefined;
  }, 40_000);
  assert.equal(exited.rssBytes, 0);
  assert.ok(model.markers().some((m) => m.key === view.key && m.kind === 'exit'));
  const shown = pickProcess(model.processes(), {});
  assert.ok(!shown || shown.key !== view.key, 'the gauge no longer shows an exited process');
  terminal.dispose();
});
