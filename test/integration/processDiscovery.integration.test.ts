// Process discovery and the memory model on real Python processes (their pure parts are unit-tested
// in test/unit/processClassifier.unit.test.ts and test/unit/gauge.unit.test.ts).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ProcfsReader } from '../../src/core/procfsReader';
import { topmostPythonDescendants } from '../../src/discovery/processClassifier';
import { pickProcess } from '../../src/model/gauge';
import { MemoryModel } from '../../src/model/memoryModel';

const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'kmw-classify-'));
after(() => {
  children.forEach((child) => child.kill('SIGKILL'));
  rmSync(dir, { recursive: true, force: true });
});

describe('process discovery', () => {
  it('finds the topmost Python processes under a real shell: a kernel and a script, not the script\'s worker', async () => {
    const connection = join(dir, 'kernel-test.json');
    // port 0 would be invalid here: let ipykernel pick its own ports by leaving them out
    writeFileSync(connection, JSON.stringify({ ip: '127.0.0.1', key: 'k', transport: 'tcp', signature_scheme: 'hmac-sha256' }));
    const script = join(dir, 'parent.py');
    writeFileSync(script, 'import subprocess, sys, time\nsubprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])\nprint("ready", flush=True)\ntime.sleep(30)\n');
    const shell = spawn('bash', ['-c', `/usr/bin/python3 -m ipykernel_launcher -f ${connection} >/dev/null 2>&1 & /usr/bin/python3 ${script} & wait`], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(shell);
    await new Promise((resolve) => shell.stdout.once('data', resolve));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const found = topmostPythonDescendants(shell.pid!, new ProcfsReader().listProcessesSync());
    const byKind = Object.fromEntries(found.map((p) => [p.role.kind, p]));
    assert.equal(found.length, 2, `the worker forked by parent.py belongs to its parent: ${found.map((p) => p.label).join(', ')}`);
    assert.equal(byKind.script.label, 'parent.py');
    assert.equal(byKind.kernel.label, 'kernel test');
    spawn('pkill', ['-P', String(shell.pid)]);
  });
});

describe('memory model', () => {
  it('tells its views when a process stops being watched, so the gauge never shows a stale one', async () => {
    const job = spawn('/usr/bin/python3', ['-c', 'import time\nprint("ready", flush=True)\ntime.sleep(30)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(job);
    await new Promise((resolve) => job.stdout.once('data', resolve));
    const model = new MemoryModel();
    try {
      const view = await model.watch({ pid: job.pid!, label: 'job.py', source: 'manual' });
      let updates = 0;
      model.onDidUpdate(() => updates++);
      model.unwatch(view.key);
      assert.equal(updates, 1, 'one update for the unwatch');
      assert.equal(model.processes().length, 0);
      assert.equal(pickProcess(model.processes(), {}), undefined, 'nothing left for the gauge');
      assert.deepEqual(model.takePending().points, {});
    } finally {
      model.dispose();
    }
  });
});
