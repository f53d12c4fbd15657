import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { KernelMemoryWatchTestApi } from '../../../src/extension';
import { figures, test } from './registry';
import { until } from '../../support/wait';

const WORKSPACE = vscode.workspace.workspaceFolders![0].uri.fsPath;
const MB = 1024 * 1024;

async function api(): Promise<KernelMemoryWatchTestApi> {
  const extension = vscode.extensions.getExtension<KernelMemoryWatchTestApi>('kernel-memory-watch.kernel-memory-watch');
  assert.ok(extension, 'the extension is installed');
  return extension.isActive ? extension.exports : await extension.activate();
}

// The `debugpy` type comes from the test fixture extension (test/e2e/fixtures/debugpy-adapter):
// Debian's debugpy adapter, launcher and debuggee, speaking the real Debug Adapter Protocol.
test('a debugpy session\'s debuggee is watched from the adapter\'s process event, labelled with its script, and leaves when it ends', async () => {
  const { model } = await api();
  const script = join(WORKSPACE, 'debugged.py');
  writeFileSync(script, 'import time\nkept = bytearray(150 * 1024 * 1024)\nkept[::4096] = b"x" * len(kept[::4096])\ntime.sleep(120)\n');
  const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
    type: 'debugpy',
    request: 'launch',
    name: 'kmw debuggee',
    program: script,
    python: '/usr/bin/python3',
    console: 'internalConsole',
  });
  assert.ok(started, 'the debug session started');
  const view = await until('the debuggee to be sampled', () => model.processes().find((p) => p.source === 'debug' && p.rssBytes > 150 * MB), 60_000);
  assert.equal(view.label, 'debugged.py (debug)');
  // the PID is the debuggee itself (not the adapter or the launcher)
  const commandLine = readFileSync(`/proc/${view.pid}/cmdline`, 'latin1').split('\0');
  assert.ok(commandLine.some((arg) => arg.endsWith('debugged.py')), commandLine.join(' '));
  await vscode.debug.stopDebugging();
  await until('the debuggee to leave', () => model.process(view.key)?.exited, 30_000);
});

test('reports how long activation took', async () => {
  const { activationMs } = await api();
  assert.ok(Number.isFinite(activationMs) && activationMs > 0);
  figures.push(`activation_ms: ${activationMs.toFixed(1)} ms`);
});
