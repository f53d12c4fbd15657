// A few reproducers of the wild corpus (test/workloads/wild/catalog.json, the entries marked
// `"live": true`) run for real under `kernel-memory-watch run`, with Debian's /usr/bin/python3,
// and must get their label: the recorded traces are one machine's run, this checks that the
// label holds on this one. Cases the detector is known to get wrong run as `todo`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

interface WildWorkload {
  name: string;
  script: string;
  args: string[];
  intervalMs: number;
  expect: { alarm: boolean; pattern: string };
  knownWrong?: string;
  live?: boolean;
}
const { workloads }: { workloads: WildWorkload[] } = JSON.parse(readFileSync('test/workloads/wild/catalog.json', 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'kmw-wild-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/cli.js', ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

// Two at a time, as the other workload tests: the machine has two cores.
describe('wild reproducers under kernel-memory-watch run', { concurrency: 2 }, () => {
  for (const workload of workloads.filter((entry) => entry.live === true)) {
    const title = workload.expect.alarm ? `alarms as ${workload.expect.pattern}` : 'never alarms';
    const options = { timeout: 180_000, ...(workload.knownWrong === undefined ? {} : { todo: `known wrong: ${workload.knownWrong}` }) };
    it(`${workload.name} ${title}`, options, async () => {
      const record = join(dir, `${workload.name}.csv`);
      const run = await cli([
        'run', '--json', '--interval', String(workload.intervalMs), '--record', record,
        '--', '/usr/bin/python3', `test/workloads/wild/${workload.script}.py`, ...workload.args,
      ]);
      const verdict = JSON.parse(run.stdout);
      assert.equal(verdict.exitCode, 0, run.stderr);
      if (workload.expect.alarm) {
        assert.equal(verdict.alarmed, true, `no alarm: ${run.stdout}`);
        assert.equal(verdict.lastAlarmPattern, workload.expect.pattern, run.stdout);
        assert.equal(verdict.alarm, true, `the alarm should still be up at the end: ${run.stdout}`);
      } else {
        assert.equal(verdict.alarmed, false, run.stdout);
      }
    });
  }
});
