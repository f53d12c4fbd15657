// Every workload of test/workloads/catalog.json runs for real under `kernel-memory-watch run`
// (the built dist/cli.js, with Debian's /usr/bin/python3 and its numpy/pandas), and must get
// its verdict: each cause alarms with its pattern; each healthy run ends flat, never alarmed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

interface Workload {
  name: string;
  script?: string;
  args: string[];
  intervalMs: number;
  /** `clears`: a healthy run that may alarm while its early evidence is ambiguous, but must clear. */
  expect: { alarm: boolean; pattern: string; clears?: boolean };
}
const { workloads }: { workloads: Workload[] } = JSON.parse(readFileSync('test/workloads/catalog.json', 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'kmw-workloads-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/cli.js', ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

// Two at a time: the machine has two cores, and the detector must cope with a busy one.
describe('workloads under kernel-memory-watch run', { concurrency: 2 }, () => {
  for (const workload of workloads) {
    const title = workload.expect.alarm
      ? `alarms as ${workload.expect.pattern}`
      : workload.expect.clears
        ? 'ends flat, any alarm cleared'
        : 'ends flat without an alarm';
    it(`${workload.name} ${title}`, { timeout: 120_000 }, async () => {
      const record = join(dir, `${workload.name}.csv`);
      const script = `test/workloads/${workload.script ?? workload.name}.py`;
      const run = await cli([
        'run', '--json', '--fail-on-alarm', '--interval', String(workload.intervalMs), '--record', record,
        '--', '/usr/bin/python3', script, ...workload.args,
      ]);
      const verdict = JSON.parse(run.stdout);
      assert.equal(verdict.exitCode, 0, run.stderr);
      if (workload.expect.alarm) {
        assert.equal(run.code, 3, 'exit 3 with --fail-on-alarm');
        assert.equal(verdict.alarmed, true, `no alarm: ${run.stdout}`);
        assert.equal(verdict.lastAlarmPattern, workload.expect.pattern, run.stdout);
      } else if (workload.expect.clears) {
        assert.equal(run.code, verdict.alarmed ? 3 : 0, run.stdout);
        assert.equal(verdict.alarm, false, `still alarmed at the end: ${run.stdout}`);
        assert.equal(verdict.pattern, 'flat');
      } else {
        assert.equal(run.code, 0, run.stdout);
        assert.equal(verdict.alarmed, false, run.stdout);
        assert.equal(verdict.pattern, 'flat');
      }
      // the recorded trace gives the same answer offline
      const analyzed = JSON.parse((await cli(['analyze', record, '--json'])).stdout);
      assert.equal(analyzed.alarmed, verdict.alarmed);
      assert.equal(analyzed.samples, verdict.samples);
    });
  }
});
