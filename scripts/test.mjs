// Runs every test file in one `node --test` process so the run ends with one summary.
// `node scripts/test.mjs unit` runs only the plain-Node unit tests.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const only = process.argv[2];
const roots = only ? [join('test', only)] : ['test'];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.test\.ts$/.test(name)) files.push(path);
  }
};
roots.forEach(walk);
// The whole run starts with the linter (typescript-eslint, type-checked rules; about 20 s).
if (!only) {
  const lint = spawnSync('npx', ['--no-install', 'eslint', '.'], { stdio: 'inherit' });
  if (lint.status !== 0) process.exit(lint.status ?? 1);
}
// Integration and end-to-end tests run the built artefacts: build first (about a second).
if (only !== 'unit') {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
