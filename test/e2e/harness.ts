// End-to-end harness: a real VS Code (code-server 1.100.3 from npm, installed into .e2e/ by
// scripts/setup-e2e.sh) driven by playwright-core and Debian's chromium, all on loopback.
// See ../shared/guide/e2e.md for why each flag is there.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { freePort } from '../support/wait';

export const ROOT = resolve(__dirname, '../..');
const E2E = join(ROOT, '.e2e');
const ENTRY = join(E2E, 'node_modules/code-server/out/node/entry.js');
const CHROMIUM = '/usr/bin/chromium';

/** Why the E2E tests cannot run here, or undefined when they can. */
export function e2eUnavailable(): string | undefined {
  if (!existsSync(ENTRY)) return 'code-server is not installed: run bash scripts/setup-e2e.sh';
  if (!existsSync(CHROMIUM)) return 'Debian chromium is not installed: run bash scripts/setup-e2e.sh';
  return undefined;
}


/** Every descendant of a PID, from /proc (children first, so they can be stopped before parents). */
export function descendants(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = byParent.get(ppid) ?? [];
      list.push(Number(name));
      byParent.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const child of byParent.get(parent) ?? []) {
      walk(child);
      found.push(child);
    }
  };
  walk(pid);
  return found;
}

function killTree(pid: number): void {
  for (const child of descendants(pid)) {
    try {
      process.kill(child, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly process: ChildProcess;
  /** Lines code-server printed (for failure messages). */
  readonly log: string[];
  stop(): void;
}

export interface CodeServerOptions {
  readonly workspace: string;
  readonly settings?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly vsix?: string;
  /** Further extensions to install first (test fixtures such as the debugpy adapter). */
  readonly extraVsix?: readonly string[];
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const base = mkdtempSync(join(tmpdir(), 'kmw-cs-'));
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      ...options.settings,
    }),
  );
  const config = join(base, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  for (const vsix of [options.vsix, ...(options.extraVsix ?? [])]) {
    if (!vsix) continue;
    const installed = spawnSync(process.execPath, [ENTRY, ...common, '--install-extension', vsix], { encoding: 'utf8' });
    if (installed.status !== 0) throw new Error(`installing ${vsix} failed: ${installed.stderr}${installed.stdout}`);
  }
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [ENTRY, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', options.workspace],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log: string[] = [];
  child.stdout!.on('data', (data: Buffer) => log.push(data.toString()));
  child.stderr!.on('data', (data: Buffer) => log.push(data.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`code-server did not start:\n${log.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    userDataDir,
    extensionsDir,
    process: child,
    log,
    stop: () => {
      killTree(child.pid!);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

export interface Workbench {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'kmw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function openWorkbench(server: CodeServer, folder: string): Promise<Workbench> {
  const browser = await openBrowser();
  await browser.page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
  await browser.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return browser;
}

export interface InHostResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly ms: number;
}

/**
 * Runs the in-host test bundle inside the real extension host (extensionDevelopmentPath =
 * this checkout) and returns each test's result, which the runner writes to a JSON file.
 */
export async function runInHostTests(server: CodeServer, workspace: string, resultsFile: string, timeoutMs = 180_000): Promise<InHostResult[]> {
  const browser = await openBrowser();
  try {
    const exitCode = new Promise<number>((resolveExit) => {
      void browser.page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    });
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${ROOT}`],
      ['extensionTestsPath', `vscode-remote://127.0.0.1:${server.port}${join(ROOT, 'out/e2e/inHost.js')}`],
    ]);
    await browser.page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    const timeout = new Promise<number>((_, reject) =>
      setTimeout(() => reject(new Error(`in-host tests did not finish in ${timeoutMs / 1000} s:\n${server.log.join('').slice(-3000)}`)), timeoutMs),
    );
    await Promise.race([exitCode, timeout]);
    if (!existsSync(resultsFile)) throw new Error(`no results written:\n${server.log.join('').slice(-3000)}`);
    return JSON.parse(readFileSync(resultsFile, 'utf8')) as InHostResult[];
  } finally {
    await browser.close();
  }
}

/** The frame of our webview that holds `selector` (webviews sit two iframes deep). */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // frame detached while we looked
      }
    }
    if (Date.now() > deadline) throw new Error(`no webview frame with ${selector}`);
    await new Promise((r) => setTimeout(r, 250));
  }
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
 * What a failed UI test could not show: the status-bar items, the extension's own log, and the
 * processes under code-server (terminal shells, scripts, kernels). CI keeps only the test output,
 * not screenshots, so this goes into the error message.
 */
export async function failureReport(server: CodeServer, page: Page | undefined): Promise<string> {
  const lines: string[] = [];
  if (page) {
    const labels = await page
      .locator('.statusbar-item')
      .evaluateAll((items) => items.map((item) => item.getAttribute('aria-label') ?? item.textContent ?? ''))
      .catch((error: unknown) => [`(status bar unreadable: ${String(error)})`]);
    lines.push(`status bar: ${labels.filter(Boolean).join(' | ')}`);
  }
  for (const log of filesUnder(join(server.userDataDir, 'logs'), /Kernel Memory Watch|exthost\.log$/)) {
    const text = readFileSync(log, 'utf8').trim().split('\n');
    lines.push(`--- ${log.slice(server.userDataDir.length)} (last 25 lines)`, ...text.slice(-25));
  }
  lines.push('--- processes under code-server');
  for (const pid of descendants(server.process.pid!)) {
    try {
      lines.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 160)}`);
    } catch {
      // gone meanwhile
    }
  }
  return lines.join('\n');
}
