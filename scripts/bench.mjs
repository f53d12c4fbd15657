// `npm run bench`: every benchmark, figures printed one per line as `name: value unit`.
// Benchmarks measure; they never fail on a figure (targets are in the README).
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const benches = readdirSync('test/bench').filter((name) => /\.bench\.(ts|mjs)$/.test(name)).sort();
let failed = 0;
for (const name of benches) {
  const path = `test/bench/${name}`;
  const args = name.endsWith('.ts') ? ['--import', 'tsx', path] : [path];
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`${name} failed (exit ${result.status})`);
  }
}
if (!existsSync('test/bench')) console.error('no benchmarks found');
process.exit(failed > 0 ? 1 : 0);
