// `npm run bench`: every benchmark, figures printed one per line as `name: value unit`.
// Benchmarks measure; they never fail on a figure (targets are in the README).
// A TypeScript benchmark is bundled with esbuild, as the extension is, and run by plain node:
// under tsx its loader thread keeps a core busy for the first seconds, which CPU figures would count.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { build as esbuild } from 'esbuild';

const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
if (!existsSync('test/bench')) {
  console.error('no benchmarks found');
  process.exit(1);
}
// Under node_modules so that packages left outside the bundle resolve from the checkout.
const outDir = resolve('node_modules/.cache/kmw-bench');
mkdirSync(outDir, { recursive: true });
const benches = readdirSync('test/bench').filter((name) => /\.bench\.(ts|mjs)$/.test(name)).sort();
let failed = 0;
for (const name of benches) {
  let path = resolve('test/bench', name);
  if (name.endsWith('.ts')) {
    const bundled = join(outDir, name.replace(/\.ts$/, '.js'));
    await esbuild({
      entryPoints: [path],
      bundle: true,
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outfile: bundled,
      define: { __dirname: JSON.stringify(dirname(path)) }, // paths stay those of the source file
      logLevel: 'warning',
    });
    path = bundled;
  }
  const result = spawnSync(process.execPath, [path], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`${name} failed (exit ${result.status})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
