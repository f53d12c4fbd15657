// The wild corpus: reproducers of public bug reports about Python memory growth
// (test/workloads/wild/), recorded on a real machine (test/fixtures/traces/wild/) and labelled
// by what a careful person watching them would want. Each trace is replayed sample by sample
// through the real detector: a healthy one must never alarm at any point; a leaking one must
// alarm by the end, still be alarmed at the last sample, with the labelled pattern family.
// A case the current detector gets wrong keeps its honest label and carries `knownWrong`
// (what the detector does instead): it runs as a node:test `todo`, reported, not failing.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { GrowthDetector } from '../../../src/core/detector/growthDetector';
import type { Pattern } from '../../../src/core/detector/types';
import { parseTrace } from '../../../src/core/trace';

interface WildWorkload {
  name: string;
  script: string;
  args: string[];
  intervalMs: number;
  source: { repo: string; issue: number; url: string };
  expect: { alarm: boolean; pattern: Pattern };
  reason: string;
  knownWrong?: string;
}

const CATALOG = 'test/workloads/wild/catalog.json';
const { workloads }: { workloads: WildWorkload[] } = JSON.parse(readFileSync(CATALOG, 'utf8'));

interface Replay {
  /** Time and pattern of every sample at which the alarm was up. */
  alarmedAt: { t: number; pattern: Pattern }[];
  endAlarm: boolean;
  endPattern: Pattern;
  lastAlarmPattern: Pattern | null;
  firstAlarmAt: number | null;
}

function replay(name: string): Replay {
  const points = parseTrace(readFileSync(`test/fixtures/traces/wild/${name}.csv`, 'utf8'));
  const detector = new GrowthDetector();
  const alarmedAt: Replay['alarmedAt'] = [];
  for (const point of points) {
    detector.push(point.t, point.rss);
    if (detector.alarm) alarmedAt.push({ t: point.t, pattern: detector.verdict().pattern });
  }
  const verdict = detector.verdict();
  return { alarmedAt, endAlarm: verdict.alarm, endPattern: verdict.pattern, lastAlarmPattern: verdict.lastAlarmPattern, firstAlarmAt: verdict.firstAlarmAt };
}

function describeAlarms(run: Replay): string {
  if (run.alarmedAt.length === 0) return 'never alarmed';
  const first = run.alarmedAt[0];
  const last = run.alarmedAt[run.alarmedAt.length - 1];
  return `alarmed from ${first.t} s (${first.pattern}) to ${last.t} s (${last.pattern}), ends ${run.endAlarm ? 'alarmed' : 'quiet'} as ${run.endPattern}`;
}

describe('the wild corpus: its catalog', () => {
  it('holds at least 12 reproducers, at least half of them healthy', () => {
    assert.ok(workloads.length >= 12, `${workloads.length} workloads`);
    const healthy = workloads.filter((workload) => !workload.expect.alarm).length;
    assert.ok(healthy * 2 >= workloads.length, `${healthy} healthy of ${workloads.length}`);
  });

  for (const workload of workloads) {
    it(`${workload.name}: cites its bug report in its script, has a reason and a trace`, () => {
      const { repo, issue, url } = workload.source;
      assert.match(url, new RegExp(`^https://github\\.com/${repo.replace('.', '\\.')}/(issues|pull)/${issue}$`));
      const script = readFileSync(`test/workloads/wild/${workload.script}.py`, 'utf8');
      const header = script.slice(0, script.indexOf('"""', 3));
      assert.ok(header.includes(`${repo}#${issue}`) && header.includes(url), `the docstring of ${workload.script}.py must cite ${repo}#${issue} (${url})`);
      assert.ok(workload.reason.length > 40, 'the label needs its reason');
      assert.ok(workload.expect.alarm ? workload.expect.pattern !== 'flat' : workload.expect.pattern === 'flat');
      assert.ok(existsSync(`test/fixtures/traces/wild/${workload.name}.csv`), 'record it: node scripts/record-traces.mjs --corpus wild NAME');
    });
  }
});

describe('the wild corpus: the detector on each recorded trace', () => {
  for (const workload of workloads) {
    const title = workload.expect.alarm
      ? `${workload.name} (${workload.source.repo}#${workload.source.issue}) alarms as ${workload.expect.pattern}`
      : `${workload.name} (${workload.source.repo}#${workload.source.issue}) never alarms`;
    const options = workload.knownWrong === undefined ? {} : { todo: `known wrong: ${workload.knownWrong}` };
    it(title, options, () => {
      const run = replay(workload.name);
      if (workload.expect.alarm) {
        assert.notEqual(run.firstAlarmAt, null, `it should have alarmed: ${describeAlarms(run)}`);
        assert.equal(run.lastAlarmPattern, workload.expect.pattern, describeAlarms(run));
        assert.ok(run.endAlarm, `the alarm should still be up at the end: ${describeAlarms(run)}`);
        assert.equal(run.endPattern, workload.expect.pattern, describeAlarms(run));
      } else {
        assert.equal(run.alarmedAt.length, 0, describeAlarms(run));
      }
    });
  }
});
