// The extension inside a real VS Code (code-server 1.100.3): in-host tests with the real
// `vscode` API. Skips (with the reason) only when scripts/setup-e2e.sh has not been run;
// .ci/run always runs it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import { ROOT, e2eUnavailable, packageDebugpyAdapter, runInHostTests, startCodeServer } from './harness';

export const NOTEBOOK = JSON.stringify({
  cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['import numpy as np\n', 'x = np.ones(1000)'] }],
  metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
  nbformat: 4,
  nbformat_minor: 5,
});

describe('extension in a real VS Code (extension host tests)', () => {
  it('runs the in-host tests', { timeout: 300_000 }, async (t) => {
    const unavailable = e2eUnavailable();
    if (unavailable) return t.skip(unavailable);
    buildSync({
      entryPoints: [join(ROOT, 'test/e2e/inHost/index.ts')],
      outfile: join(ROOT, 'out/e2e/inHost.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      logLevel: 'error',
    });
    const workspace = mkdtempSync(join(tmpdir(), 'kmw-ws-'));
    writeFileSync(join(workspace, 'analysis.ipynb'), NOTEBOOK);
    writeFileSync(
      join(workspace, 'ledger.ipynb'),
      JSON.stringify({ cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['kept = bytearray(300 * 1024 * 1024)\n', 'kept[::4096] = b"x" * len(kept[::4096])'] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
    );
    const resultsFile = join(workspace, '.results.json');
    const fixtures = mkdtempSync(join(tmpdir(), 'kmw-fixtures-'));
    const server = await startCodeServer({
      workspace,
      extraVsix: [packageDebugpyAdapter(fixtures)],
      env: { KMW_E2E_RESULTS: resultsFile, KMW_REPO_ROOT: ROOT },
    });
    try {
      const results = await runInHostTests(server, workspace, resultsFile);
      assert.ok(results.length > 0, 'no in-host test ran');
      if (existsSync(`${resultsFile}.figures`)) console.log(readFileSync(`${resultsFile}.figures`, 'utf8'));
      for (const result of results) {
        await t.test(result.name, () => {
          assert.ok(result.ok, result.error);
        });
      }
    } finally {
      await server.stop();
      rmSync(workspace, { recursive: true, force: true });
      rmSync(fixtures, { recursive: true, force: true });
    }
  });
});
