// The smoke tests of the E2E chain (run by ../smoke.e2e.test.ts with grep '^smoke: '): the real
// `vscode` API, our extension activated in it, and a child process that teardown must stop.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { test } from './registry';

const EXTENSION_ID = 'kernel-memory-watch.kernel-memory-watch';

test('smoke: this is VS Code 1.100.3 with the workspace open', async () => {
  assert.equal(vscode.version, '1.100.3');
  assert.equal(vscode.workspace.workspaceFolders?.length, 1, 'one workspace folder');
});

test('smoke: the extension is present, activates and registers its commands', async () => {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  await extension.activate();
  assert.ok(extension.isActive);
  const commands = await vscode.commands.getCommands(true);
  const contributed = (extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands;
  assert.ok(contributed.length > 0);
  for (const { command } of contributed) assert.ok(commands.includes(command), `command ${command} registered`);
});

test('smoke: a process spawned here is a descendant of the extension host (teardown must stop it)', async () => {
  // Its own session, like a kernel launcher would: teardown must not rely on process groups.
  const child = spawn('/usr/bin/python3', ['-c', 'import time; time.sleep(600)'], { detached: true, stdio: 'ignore' });
  child.unref();
  assert.ok(child.pid, 'python3 started');
  writeFileSync(join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'smoke-child.pid'), String(child.pid));
});
