import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'kmw-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('kernel-memory-watch CLI', () => {
  it('analyze prints the verdict as JSON with the contract fields', async () => {
    const { code, stdout } = await cli('analyze', 'test/fixtures/traces/steady_leak.csv', '--json', '--limit', '2G');
    assert.equal(code, 0);
    const verdict = JSON.parse(stdout);
    for (const field of ['pattern', 'alarm', 'firstAlarmAt', 'troughSlopeBytesPerSec', 'teeth', 'peakBytes', 'forecast']) {
      assert.ok(field in verdict, `missing ${field}`);
    }
    assert.equal(verdict.pattern, 'steady-growth');
    assert.equal(verdict.alarm, true);
    assert.equal(typeof verdict.firstAlarmAt, 'number');
    assert.equal(verdict.forecast.limitBytes, 2 * 1024 ** 3);
    assert.ok(verdict.forecast.secondsToLimit > 0);
  });

  it('analyze prints a readable verdict by default and exits 0 without an alarm too', async () => {
    const { code, stdout } = await cli('analyze', 'test/fixtures/traces/healthy_plain_loop.csv');
    assert.equal(code, 0);
    assert.match(stdout, /verdict: flat/);
  });

  it('analyze exits 2 naming the line of a malformed trace', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 't,rss\n0,100\n1,lots\n');
    const { code, stderr } = await cli('analyze', file);
    assert.equal(code, 2);
    assert.match(stderr, /bad\.csv: line 3: rss is not/);
    writeFileSync(file, '');
    assert.match((await cli('analyze', file)).stderr, /line 1: the file is empty/);
    writeFileSync(file, 'time,mem\n1,2\n');
    assert.match((await cli('analyze', file)).stderr, /no column t and rss/);
    writeFileSync(file, 't,rss\n5,1\n4,1\n');
    assert.match((await cli('analyze', file)).stderr, /line 3: time goes backwards/);
  });

  it('analyze exits 2 for a missing file and for bad options', async () => {
    assert.equal((await cli('analyze', join(dir, 'nope.csv'))).code, 2);
    assert.equal((await cli('analyze')).code, 2);
    const bad = await cli('analyze', 'test/fixtures/traces/steady_leak.csv', '--limit', 'lots');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--limit must be a size/);
    assert.match((await cli('analyze', 'x.csv', '--frobnicate')).stderr, /unknown option --frobnicate/);
  });

  it('has help for every command and rejects unknown ones', async () => {
    for (const command of ['analyze', 'run', 'watch']) {
      const { code, stdout } = await cli(command, '--help');
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`Usage: kernel-memory-watch ${command}`));
    }
    assert.equal((await cli('--help')).code, 0);
    const unknown = await cli('explode');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "explode"/);
  });
});
