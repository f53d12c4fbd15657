// Smoke test of the E2E chain: the packaged .vsix installs into a real VS Code (code-server
// 1.100.3), Debian's chromium draws the workbench with the extension active (its panel's webview
// renders), in-host tests run in the real extension host and report each case, and teardown
// leaves no process behind. Skips with the reason when scripts/setup-e2e.sh has not run;
// .ci/run always runs it. Screenshots: test/e2e/screenshots/ (git-ignored).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  IN_HOST_BUNDLE,
  ROOT,
  e2eUnavailable,
  frameWith,
  installVsix,
  isAlive,
  listExtensions,
  openWorkbench,
  runExtensionTests,
  screenshot,
  startCodeServer,
} from './codeServer';

const SCREENSHOTS = join(ROOT, 'test/e2e/screenshots');

/** PIDs of running processes whose command line mentions `text` (a temp folder of ours). */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(text) && isAlive(Number(name))) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function npm(args: string[]): void {
  const result = spawnSync('npm', ['run', '--silent', ...args], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, `npm run ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

describe('E2E smoke: code-server, chromium and the extension host', { skip: e2eUnavailable() ?? false }, () => {
  let scratch: string;
  let vsix: string;

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'kmw-smoke-'));
    vsix = join(scratch, 'kernel-memory-watch.vsix');
    // Package into our own file (the last --out wins), so a concurrent UI test's vsix is not
    // overwritten under it; then the normal build, which also bundles the in-host tests.
    npm(['package', '--', '--out', vsix]);
    npm(['build']);
    assert.ok(existsSync(IN_HOST_BUNDLE), `${IN_HOST_BUNDLE} was built`);
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('the packaged .vsix installs; the workbench loads in chromium with the extension active; nothing is left after teardown', { timeout: 120_000 }, async (t) => {
    const workspace = mkdtempSync(join(scratch, 'workspace-'));
    const dirs = { extensionsDir: join(scratch, 'extensions'), userDataDir: join(scratch, 'user-data') };
    let started = Date.now();
    await installVsix(vsix, dirs);
    assert.deepEqual(await listExtensions(dirs), ['kernel-memory-watch.kernel-memory-watch@0.1.0']);
    t.diagnostic(`install .vsix: ${Date.now() - started} ms`);

    started = Date.now();
    const server = await startCodeServer({ workspace, ...dirs });
    const workbench = await openWorkbench(server.url, workspace).catch(async (error) => {
      await server.stop();
      throw error;
    });
    t.diagnostic(`code-server + workbench: ${Date.now() - started} ms`);
    try {
      const { page } = workbench;
      // The view container from the vsix's package.json is in the activity bar...
      await page.locator('.activitybar [aria-label^="Kernel Memory"]').first().waitFor({ timeout: 30_000 });
      // ...and the extension runs: its command opens the panel, whose webview draws the chart.
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 10_000 });
      await page.keyboard.type('Kernel Memory Watch: Open Memory Panel');
      await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="Open Memory Panel"]', { timeout: 15_000 });
      await page.keyboard.press('Enter');
      const frame = await frameWith(page, '#chart-state');
      assert.equal(await frame.getAttribute('#chart-state', 'data-datasets'), '0', 'an empty chart: nothing watched yet');
      assert.ok(server.processes().length >= 2, 'the extension host runs under code-server');
      const shot = await screenshot(page, join(SCREENSHOTS, 'smoke-workbench.png'));
      t.diagnostic(`screenshot: ${shot}`);
    } finally {
      started = Date.now();
      await workbench.close();
      const stopped = await server.stop();
      t.diagnostic(`teardown: ${Date.now() - started} ms, ${stopped.length} processes stopped`);
      assert.deepEqual(stopped.filter((pid) => isAlive(pid)), [], 'every process of code-server is gone');
    }
    assert.deepEqual(processesMentioning(workbench.profileDir), [], 'no chromium process is left');
    assert.deepEqual(processesMentioning(dirs.userDataDir), [], 'no code-server process is left');
  });

  it('in-host tests run inside the real extension host, each reported by name', { timeout: 120_000 }, async (t) => {
    const workspace = mkdtempSync(join(scratch, 'workspace-'));
    const started = Date.now();
    const run = await runExtensionTests({
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: IN_HOST_BUNDLE,
      workspace,
      grep: '^smoke: ',
      timeoutMs: 90_000,
      screenshotPath: join(SCREENSHOTS, 'smoke-in-host.png'),
    });
    t.diagnostic(`in-host run incl. start and teardown: ${Date.now() - started} ms, VS Code ${run.vscodeVersion}, ${run.stoppedPids.length} processes stopped`);
    assert.equal(run.vscodeVersion, '1.100.3');
    assert.equal(run.results.length, 3, run.error ?? `the three smoke cases ran: ${run.results.map((r) => r.name).join(' | ')}`);
    for (const result of run.results) {
      await t.test(result.name, (inner) => {
        inner.diagnostic(`${result.ms} ms in the extension host`);
        assert.ok(result.ok, result.error);
      });
    }
    assert.equal(run.exitCode, 0, 'codeAutomationExit(0) when run() resolved');
    // The Python process the in-host test left running died with the extension host's tree.
    const childPid = Number(readFileSync(join(workspace, 'smoke-child.pid'), 'utf8'));
    assert.ok(run.stoppedPids.includes(childPid), 'teardown found the extension host\'s child');
    assert.equal(isAlive(childPid), false, 'the extension host\'s child is gone');
  });
});
