// The extension inside a real VS Code (code-server 1.100.3): in-host tests with the real
// `vscode` API, run from the bundle scripts/build.mjs makes of test/e2e/inHost (the smoke
// cases are the smoke test's). Skips (with the reason) only when scripts/setup-e2e.sh has not
// been run; .ci/run always runs it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IN_HOST_BUNDLE, ROOT, e2eUnavailable, installVsix, runExtensionTests } from './codeServer';
import { packageDebugpyAdapter } from './harness';

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
    assert.ok(existsSync(IN_HOST_BUNDLE), `${IN_HOST_BUNDLE} is built by npm run build (npm test builds first)`);
    const scratch = mkdtempSync(join(tmpdir(), 'kmw-ext-'));
    const workspace = join(scratch, 'workspace');
    const dirs = { extensionsDir: join(scratch, 'extensions'), userDataDir: join(scratch, 'user-data') };
    try {
      mkdirSync(workspace);
      writeFileSync(join(workspace, 'analysis.ipynb'), NOTEBOOK);
      writeFileSync(
        join(workspace, 'ledger.ipynb'),
        JSON.stringify({ cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['kept = bytearray(300 * 1024 * 1024)\n', 'kept[::4096] = b"x" * len(kept[::4096])'] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
      );
      // Debug sessions are real debugpy sessions, through a fixture extension (see harness.ts).
      await installVsix(packageDebugpyAdapter(scratch), dirs);
      const run = await runExtensionTests({
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: IN_HOST_BUNDLE,
        workspace,
        // KMW_E2E_GREP runs a subset (while working on one feature); the smoke cases are the smoke test's
        grep: process.env.KMW_E2E_GREP ?? '^(?!smoke: )',
        timeoutMs: 240_000,
        ...dirs,
      });
      assert.ok(run.results.length > 0, run.error ?? 'no in-host test ran');
      if (run.figures.length > 0) console.log(run.figures.join('\n'));
      for (const result of run.results) {
        await t.test(result.name, () => {
          assert.ok(result.ok, result.error);
        });
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
