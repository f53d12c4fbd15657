// Re-records test/fixtures/traces/*.csv by running every workload of test/workloads/catalog.json
// under `kernel-memory-watch run --record`. Needs `npm run build` and Debian's python3-pandas.
// Usage: node scripts/record-traces.mjs [name...]
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const catalog = JSON.parse(readFileSync('test/workloads/catalog.json', 'utf8'));
const only = process.argv.slice(2);
for (const workload of catalog.workloads) {
  if (only.length > 0 && !only.includes(workload.name)) continue;
  const out = `test/fixtures/traces/${workload.name}.csv`;
  const script = `test/workloads/${workload.script ?? workload.name}.py`;
  const result = spawnSync(
    process.execPath,
    ['dist/cli.js', 'run', '--json', '--interval', String(workload.intervalMs), '--record', out, '--', '/usr/bin/python3', script, ...workload.args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const verdict = JSON.parse(result.stdout);
  console.log(`${workload.name}: ${verdict.samples} samples, peak ${(verdict.peakBytes / 2 ** 20).toFixed(0)} MB, ` +
    `${verdict.alarmed ? `alarmed at ${verdict.firstAlarmAt} s (${verdict.lastAlarmPattern})` : 'no alarm'}, ends ${verdict.pattern}`);
}
