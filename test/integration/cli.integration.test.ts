// The CLI's run and watch commands on real Python processes (the plain-Node parts are in test/unit/cli.unit.test.ts).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'kmw-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('kernel-memory-watch CLI on real processes', () => {
  it('run passes the command exit code through, and 128+signal when it is killed', async () => {
    assert.equal((await cli('run', '--interval', '50', '--', '/usr/bin/python3', '-c', 'import sys; sys.exit(5)')).code, 5);
    assert.equal((await cli('run', '--', '/usr/bin/python3', '-c', 'import os, signal; os.kill(os.getpid(), signal.SIGKILL)')).code, 137);
  });

  it('run exits 127 for a command that cannot start, 2 without a command or with a bad interval', async () => {
    const missing = await cli('run', '--', join(dir, 'no-such-program'));
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /cannot start .*no-such-program: ENOENT/);
    assert.equal((await cli('run')).code, 2);
    assert.match((await cli('run', '--interval', '0', '--', 'true')).stderr, /--interval must be a number from 20 to 60000/);
    assert.match((await cli('run', 'python3', 'x.py')).stderr, /put the command after "--"/);
  });

  it('run --record writes a trace that analyze reads back', async () => {
    const record = join(dir, 'run.csv');
    const run = await cli('run', '--json', '--interval', '50', '--record', record, '--', '/usr/bin/python3', '-c', 'import time; x = bytearray(50_000_000); time.sleep(0.6)');
    assert.equal(run.code, 0);
    const verdict = JSON.parse(run.stdout);
    assert.ok(verdict.samples >= 5);
    assert.ok(verdict.peakBytes > 50_000_000);
    const analyzed = JSON.parse((await cli('analyze', record, '--json')).stdout);
    assert.equal(analyzed.samples, verdict.samples);
    assert.equal(analyzed.peakBytes, verdict.peakBytes);
  });

  it('run --json says which measure the figures are: PSS for a fork pool, RSS alone', { timeout: 60_000 }, async () => {
    // 3 workers forked after 300 MB, idle for longer than one child scan (5 s), then the job ends
    const pool = [
      'import multiprocessing as mp, time',
      'held = bytearray(b"\\x01") * (300 * 1024 * 1024)',
      'ctx = mp.get_context("fork")',
      'kids = [ctx.Process(target=time.sleep, args=(7,), daemon=True) for _ in range(3)]',
      'for k in kids: k.start()',
      'for k in kids: k.join()',
    ].join('\n');
    const forked = JSON.parse((await cli('run', '--json', '--', '/usr/bin/python3', '-c', pool)).stdout);
    assert.equal(forked.measure, 'pss', JSON.stringify(forked));
    assert.equal(forked.maxChildren, 3);
    assert.ok(forked.peakBytes >= 300 * 1024 * 1024, JSON.stringify(forked));
    // summed RSS counts the buffer in every worker; the tree figure once
    assert.ok(forked.peakRssBytes > 2.5 * forked.peakBytes, JSON.stringify(forked));
    assert.equal(typeof forked.rssBytes, 'number');
    const alone = JSON.parse((await cli('run', '--json', '--interval', '50', '--', '/usr/bin/python3', '-c', 'import time; x = bytearray(30_000_000); time.sleep(0.5)')).stdout);
    assert.equal(alone.measure, 'rss');
    assert.equal(alone.measureNote, null);
    assert.equal(alone.rssBytes, alone.lastBytes);
  });

  it('watch refuses an unknown PID without creating the record file', async () => {
    const record = join(dir, 'never.csv');
    const { code, stderr } = await cli('watch', '--pid', '999999999', '--record', record);
    assert.equal(code, 2);
    assert.match(stderr, /No process with PID 999999999/);
    assert.equal(existsSync(record), false);
    assert.match((await cli('watch', '--pid', 'abc')).stderr, /--pid must be a process ID/);
    assert.match((await cli('watch')).stderr, /watch needs --pid PID/);
  });

  it('watch follows a running process until it exits', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn('/usr/bin/python3', ['-c', 'import time; x = bytearray(40_000_000); time.sleep(1.2)']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const record = join(dir, 'watch.csv');
    const { code, stdout } = await cli('watch', '--pid', String(child.pid), '--json', '--interval', '50', '--record', record);
    assert.equal(code, 0);
    const verdict = JSON.parse(stdout);
    assert.equal(verdict.pid, child.pid);
    assert.ok(verdict.samples >= 5);
    assert.match(readFileSync(record, 'utf8'), /^t,rss\n/);
  });
});
