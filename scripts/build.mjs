// One esbuild run per bundle; type-checking is `npm run typecheck` (tsc --noEmit).
import * as esbuild from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } },
];
if (existsSync('src/webview/main.ts')) {
  builds.push({ ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' });
}

// The in-host E2E tests (loaded by VS Code as extensionTestsPath): runner.ts plus every
// test/e2e/inHost/*.inhost.ts. Not in --production builds, so packaging never depends on tests.
const inHost = 'test/e2e/inHost';
if (!production && existsSync(`${inHost}/runner.ts`)) {
  const specs = readdirSync(inHost).filter((name) => name.endsWith('.inhost.ts')).sort();
  builds.push({
    ...common,
    stdin: {
      contents: [...specs.map((name) => `import './${name.slice(0, -3)}';`), "export { run } from './runner';"].join('\n'),
      resolveDir: inHost,
      sourcefile: 'inHostEntry.ts',
      loader: 'ts',
    },
    outfile: 'dist/test/inHost/index.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  });
}

await Promise.all(builds.map((options) => esbuild.build(options)));
