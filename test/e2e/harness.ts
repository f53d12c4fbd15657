// What the UI and extension-host tests add to the end-to-end library (codeServer.ts): a
// code-server with the packaged .vsix (and test fixture extensions) installed, the workbench in
// chromium, our webview's frame, the debugpy fixture, and what a failed test could not show.
// See ../shared/guide/e2e.md for why each flag is there.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import * as e2e from './codeServer';
import { ROOT, descendants } from './codeServer';

export { ROOT, descendants, e2eUnavailable, type Workbench } from './codeServer';
export type CodeServer = e2e.CodeServer;

export interface CodeServerOptions {
  readonly workspace: string;
  readonly settings?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly vsix?: string;
  /** Further extensions to install first (test fixtures such as the debugpy adapter). */
  readonly extraVsix?: readonly string[];
}

/**
 * A code-server with these extensions installed, in fresh folders that stop() removes along
 * with every process of the server (extension host, terminals, kernels).
 */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const base = mkdtempSync(join(tmpdir(), 'kmw-cs-'));
  const dirs = { extensionsDir: join(base, 'extensions'), userDataDir: join(base, 'user-data') };
  try {
    for (const vsix of [options.vsix, ...(options.extraVsix ?? [])]) if (vsix) await e2e.installVsix(vsix, dirs);
    const server = await e2e.startCodeServer({ workspace: options.workspace, settings: options.settings, env: options.env, ...dirs });
    return {
      ...server,
      stop: async () => {
        try {
          return await server.stop();
        } finally {
          rmSync(base, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(base, { recursive: true, force: true });
    throw error;
  }
}

export function openWorkbench(server: CodeServer, folder: string): Promise<e2e.Workbench> {
  return e2e.openWorkbench(server.url, folder);
}

/** The frame of our webview that holds `selector` (webviews sit two iframes deep). */
export function webviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  return e2e.frameWith(page, selector, timeoutMs);
}

/**
 * Packages the test fixture that contributes the `debugpy` debug type, served by Debian's
 * python3-debugpy adapter: debug sessions in the E2E tests are real debugpy sessions without
 * Microsoft's Python extensions (which cannot be installed offline).
 */
export function packageDebugpyAdapter(outDir: string): string {
  const out = join(outDir, 'kmw-test-debugpy-adapter.vsix');
  const packaged = spawnSync(
    join(ROOT, 'node_modules/.bin/vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out],
    { cwd: join(ROOT, 'test/e2e/fixtures/debugpy-adapter'), encoding: 'utf8' },
  );
  if (packaged.status !== 0) throw new Error(`packaging the debugpy adapter fixture failed: ${packaged.stderr}${packaged.stdout}`);
  return out;
}

/** Every file under a folder whose name matches, depth first. */
function filesUnder(folder: string, name: RegExp): string[] {
  const found: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, name));
    else if (name.test(entry.name)) found.push(path);
  }
  return found;
}

/**
 * A failed UI test's error with what the test could not show: the status-bar items, the
 * extension's own log, and the processes under code-server (terminal shells, scripts, kernels).
 * CI keeps only the test output, so this goes into the message; a screenshot goes to
 * $TMPDIR/kmw-NAME-failure.png for a local run.
 */
export async function explainFailure(error: unknown, server: CodeServer, page: Page, name: string): Promise<Error> {
  await page.screenshot({ path: join(tmpdir(), `kmw-${name}-failure.png`) }).catch(() => {});
  const lines: string[] = [error instanceof Error ? error.message : String(error)];
  const labels = await page
    .locator('.statusbar-item')
    .evaluateAll((items) => items.map((item) => item.getAttribute('aria-label') ?? item.textContent ?? ''))
    .catch((unreadable: unknown) => [`(status bar unreadable: ${String(unreadable)})`]);
  lines.push(`status bar: ${labels.filter(Boolean).join(' | ')}`);
  for (const log of filesUnder(join(server.userDataDir, 'logs'), /Kernel Memory Watch|exthost\.log$|ptyhost\.log$|terminal\.log$/)) {
    const text = readFileSync(log, 'utf8').trim().split('\n');
    lines.push(`--- ${log.slice(server.userDataDir.length)} (last 25 lines)`, ...text.slice(-25));
  }
  lines.push('--- processes under code-server');
  for (const pid of descendants(server.pid)) {
    try {
      const [state, ppid] = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      lines.push(`${pid} (parent ${ppid}, ${state}): ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 160)}`);
    } catch {
      // gone meanwhile
    }
  }
  return new Error(lines.join('\n'), { cause: error });
}

/**
 * Runs one of our commands from the palette. On a busy machine the workbench can list commands
 * before the extension's contributions have arrived (its activity-bar entry shows when they
 * have), and keys can race the palette: wait for the entry, and reopen the palette until it
 * offers the command before pressing Enter.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.locator('.activitybar [aria-label*="Kernel Memory"]').first().waitFor({ timeout: 60_000 });
  const row = page.locator(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`);
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 10_000 });
    await page.keyboard.type(title);
    try {
      await row.first().waitFor({ timeout: 10_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

let vsixPath: string | undefined;
/** The `.vsix` of this checkout, packaged once per run (`npm run package`): the UI tests install that, not the source folder. */
export function packagedVsix(): string {
  if (!vsixPath) {
    const packaged = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(packaged.status, 0, packaged.stderr + packaged.stdout);
    vsixPath = join(ROOT, 'kernel-memory-watch.vsix');
  }
  return vsixPath;
}

