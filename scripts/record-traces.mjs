// Re-records traces by running every workload of a catalog under `kernel-memory-watch run --record`.
// Needs `npm run build` and Debian's python3-pandas (python3-matplotlib and python3-ipython for the wild corpus).
// Usage: node scripts/record-traces.mjs [--corpus wild] [name...]
//   no --corpus: test/workloads/catalog.json -> test/fixtures/traces/NAME.csv
//   --corpus C:  test/workloads/C/catalog.json -> test/fixtures/traces/C/NAME.csv (scripts in test/workloads/C/)
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const argv = process.argv.slice(2);
let corpus = '';
const corpusAt = argv.indexOf('--corpus');
if (corpusAt >= 0) {
  corpus = argv[corpusAt + 1] ?? '';
  argv.splice(corpusAt, 2);
  if (!/^[a-z][a-z0-9_-]*$/.test(corpus) || !existsSync(`test/workloads/${corpus}/catalog.json`)) {
    console.error(`record-traces: --corpus needs the name of a folder of test/workloads with a catalog.json (got "${corpus}")`);
    process.exit(2);
  }
}
const workloadDir = corpus ? `test/workloads/${corpus}` : 'test/workloads';
const traceDir = corpus ? `test/fixtures/traces/${corpus}` : 'test/fixtures/traces';
const catalog = JSON.parse(readFileSync(`${workloadDir}/catalog.json`, 'utf8'));
const only = argv;
const unknown = only.filter((name) => !catalog.workloads.some((workload) => workload.name === name));
if (unknown.length > 0) {
  console.error(`record-traces: no workload named ${unknown.join(', ')} in ${workloadDir}/catalog.json`);
  process.exit(2);
}
for (const workload of catalog.workloads) {
  if (only.length > 0 && !only.includes(workload.name)) continue;
  const out = `${traceDir}/${workload.name}.csv`;
  const script = `${workloadDir}/${workload.script ?? workload.name}.py`;
  const result = spawnSync(
    process.execPath,
    ['dist/cli.js', 'run', '--json', '--interval', String(workload.intervalMs), '--record', out, '--', '/usr/bin/python3', script, ...workload.args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let verdict;
  try {
    verdict = JSON.parse(result.stdout);
  } catch {
    console.error(`record-traces: ${workload.name}: no verdict on stdout (exit ${result.status}): ${result.stdout.slice(0, 200)}`);
    process.exitCode = 1;
    continue;
  }
  console.log(`${workload.name}: ${verdict.samples} samples over ${verdict.durationSec.toFixed(0)} s, peak ${(verdict.peakBytes / 2 ** 20).toFixed(0)} MB, ` +
    `${verdict.alarmed ? `alarmed at ${verdict.firstAlarmAt} s (${verdict.lastAlarmPattern})` : 'no alarm'}, ends ${verdict.pattern}` +
    `${verdict.exitCode === 0 ? '' : `, exit ${verdict.exitCode}`}`);
}
