// Library for the end-to-end tests (no test in here): a real VS Code 1.100.3 (code-server from
// npm, installed into .e2e/code-server by scripts/setup-e2e.sh) on loopback, driven by
// playwright-core and Debian's chromium. Why each flag is there: ../shared/guide/e2e.md.
//
// Two ways to test:
//  - runExtensionTests(): the in-host bundle (dist/test/inHost/index.js, built from
//    test/e2e/inHost/*.inhost.ts by scripts/build.mjs) runs inside the real extension host; each
//    test's result comes back through a JSON file whose path the extension host inherits from
//    code-server's environment ($KMW_E2E_RESULTS).
//  - startCodeServer() + openWorkbench(): a user's view of the workbench, for UI tests.

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import type { InHostReport, InHostResult } from './inHost/runner';
import { freePort } from '../support/wait';

export type { InHostReport, InHostResult };

export const ROOT = resolve(__dirname, '../..');
export const CODE_SERVER_DIR = join(ROOT, '.e2e/code-server');
const ENTRY = join(CODE_SERVER_DIR, 'node_modules/code-server/out/node/entry.js');
const MARKER = join(CODE_SERVER_DIR, '.installed');
export const CHROMIUM = '/usr/bin/chromium';
/** e2e.md's flags; playwright adds --headless itself. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The in-host bundle scripts/build.mjs writes (every test/e2e/inHost/*.inhost.ts + runner.ts). */
export const IN_HOST_BUNDLE = join(ROOT, 'dist/test/inHost/index.js');
// The names runner.ts reads (kept in two places: runner.ts must not be loaded outside the host).
const RESULTS_ENV = 'KMW_E2E_RESULTS';
const GREP_ENV = 'KMW_E2E_GREP';

/** Why the E2E tests cannot run here (for `{ skip }`), or undefined when they can. */
export function e2eUnavailable(): string | undefined {
  if (!existsSync(ENTRY) || !existsSync(MARKER)) return 'code-server is not installed in .e2e/code-server: run bash scripts/setup-e2e.sh';
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing: run bash scripts/setup-e2e.sh`;
  if (!existsSync('/usr/bin/python3')) return '/usr/bin/python3 is missing: run bash scripts/setup-e2e.sh';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Processes: code-server's extension host is a child of its server process and outlives the
// browser tab; kernels and terminal shells are its descendants. Teardown walks /proc.

interface ProcStat {
  readonly ppid: number;
  readonly state: string;
  /** Clock ticks since boot: tells a PID apart from a later process that reuses it. */
  readonly startTime: string;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], ppid: Number(fields[1]), startTime: fields[19] };
  } catch {
    return undefined;
  }
}

/** Every descendant of `pid` now, from /proc, children before their parents. */
export function descendants(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const siblings = byParent.get(stat.ppid) ?? [];
    siblings.push(Number(name));
    byParent.set(stat.ppid, siblings);
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

/** True while `pid` runs (a zombie has finished: only its parent's wait() is missing). */
export function isAlive(pid: number, startTime?: string): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && (startTime === undefined || stat.startTime === startTime);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/**
 * Remembers every process that was ever part of a tree (polled each second), so a process
 * orphaned before teardown is still stopped even where the subreaper (below) could not be set.
 */
class ProcessTree {
  private readonly seen = new Map<number, string>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly rootPid: number) {
    this.collect();
    this.timer = setInterval(() => this.collect(), 1000);
    this.timer.unref();
  }

  /** The root and every descendant now, plus those seen earlier that still run. */
  collect(): number[] {
    for (const pid of [this.rootPid, ...descendants(this.rootPid)]) {
      const stat = readStat(pid);
      if (stat && !this.seen.has(pid)) this.seen.set(pid, stat.startTime);
    }
    return [...this.seen].filter(([pid, startTime]) => isAlive(pid, startTime)).map(([pid]) => pid);
  }

  /** SIGSTOP the tree until no new process appears (nothing forks or reparents), then SIGKILL all. */
  killNow(): number[] {
    clearInterval(this.timer);
    const stopped = new Set<number>();
    for (let round = 0; round < 10; round++) {
      const fresh = this.collect().filter((pid) => !stopped.has(pid));
      if (fresh.length === 0) break;
      for (const pid of fresh) {
        signal(pid, 'SIGSTOP');
        stopped.add(pid);
      }
    }
    for (const pid of stopped) signal(pid, 'SIGKILL');
    return [...stopped];
  }

  /** Stops everything and waits until none of it runs. Returns the PIDs it stopped. */
  async kill(timeoutMs = 10_000): Promise<number[]> {
    const pids = this.killNow();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = pids.filter((pid) => isAlive(pid, this.seen.get(pid)));
      if (left.length === 0) return pids;
      if (Date.now() > deadline) throw new Error(`processes still running after SIGKILL: ${left.join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// code-server

export interface CodeServerOptions {
  /** The folder the workbench opens (absolute). */
  readonly workspace: string;
  /** Default: a fresh temp folder, removed by stop(). */
  readonly extensionsDir?: string;
  /** Default: a fresh temp folder, removed by stop(). User/settings.json in it is (re)written. */
  readonly userDataDir?: string;
  /** Added to the user settings (workspace trust off, no startup editor). */
  readonly settings?: Record<string, unknown>;
  /** Added to code-server's environment, which the extension host and its children inherit. */
  readonly env?: Record<string, string>;
  readonly startTimeoutMs?: number;
  /** Default: a free port on 127.0.0.1. */
  readonly port?: number;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** The server process (the extension host is its child once a browser connects). */
  readonly pid: number;
  readonly workspace: string;
  readonly extensionsDir: string;
  readonly userDataDir: string;
  /** What code-server printed so far. */
  log(): string;
  /** The server and all its descendants now (and earlier ones still running). */
  processes(): number[];
  /** Kills the server and every descendant (extension host, kernels, shells) and waits until they are gone; removes the temp folders it made. Returns the PIDs it stopped. */
  stop(): Promise<number[]>;
}

function codeServerConfig(dir: string, port = 0): string {
  // Our own config, so ~/.config/code-server/config.yaml (password auth, port 8080) is never read.
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\ndisable-telemetry: true\ndisable-update-check: true\n`);
  return file;
}

function writeSettings(userDataDir: string, settings: Record<string, unknown> | undefined): void {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        ...settings,
      },
      null,
      2,
    ),
  );
}

/**
 * Runs argv[1:] as a child subreaper (prctl survives execve): a process orphaned under
 * code-server, e.g. a kernel left by an in-host test when the extension host exits after run(),
 * is adopted by code-server's first process instead of init, so it stays in the tree stop() kills.
 * Node cannot call prctl itself; Debian's python3 is installed by setup-e2e.sh anyway.
 */
const AS_SUBREAPER = 'import ctypes, os, sys\nctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER\nos.execv(sys.argv[1], sys.argv[1:])';

/** Processes of servers not stopped yet: killed when this Node process exits, whatever the test did. */
const liveTrees = new Set<ProcessTree>();
process.once('exit', () => {
  for (const tree of liveTrees) tree.killNow();
});

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  assertInstalled();
  const base = mkdtempSync(join(tmpdir(), 'kmw-code-server-'));
  const userDataDir = options.userDataDir ?? join(base, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(base, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  writeSettings(userDataDir, options.settings);
  const port = options.port ?? (await freePort());
  const config = codeServerConfig(base, port);
  const child = spawn(
    '/usr/bin/python3',
    [
      '-c',
      AS_SUBREAPER,
      process.execPath,
      ENTRY,
      '--config', config,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      options.workspace,
    ],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (child.pid === undefined) {
    rmSync(base, { recursive: true, force: true });
    throw new Error('could not spawn /usr/bin/python3 to start code-server');
  }
  const tree = new ProcessTree(child.pid);
  liveTrees.add(tree);
  const output: string[] = [];
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
    output.push(`spawn failed: ${error.message}\n`);
  });
  child.stdout.on('data', (data: Buffer) => output.push(data.toString()));
  child.stderr.on('data', (data: Buffer) => output.push(data.toString()));
  let stopped: Promise<number[]> | undefined;
  const server: CodeServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    workspace: options.workspace,
    extensionsDir,
    userDataDir,
    log: () => output.join(''),
    processes: () => tree.collect(),
    stop: () => {
      stopped ??= (async () => {
        try {
          return await tree.kill();
        } finally {
          liveTrees.delete(tree);
          rmSync(base, { recursive: true, force: true });
        }
      })();
      return stopped;
    },
  };
  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    for (;;) {
      if (spawnError || child.exitCode !== null) throw new Error(`code-server exited (${spawnError?.message ?? child.exitCode})`);
      try {
        if ((await fetch(`${server.url}/healthz`)).ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('code-server did not answer in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}:\n${server.log().slice(-3000)}`);
  }
}

function assertInstalled(): void {
  const unavailable = e2eUnavailable();
  if (unavailable) throw new Error(unavailable);
}

function runCodeServerCli(args: string[], dirs: { extensionsDir: string; userDataDir: string }): Promise<string> {
  assertInstalled();
  const base = mkdtempSync(join(tmpdir(), 'kmw-code-server-cli-'));
  const config = codeServerConfig(base);
  return new Promise<string>((resolveOutput, reject) => {
    execFile(
      process.execPath,
      [ENTRY, '--config', config, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, ...args],
      { timeout: 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        rmSync(base, { recursive: true, force: true });
        if (error) reject(new Error(`code-server ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
        else resolveOutput(stdout + stderr);
      },
    );
  });
}

/** Installs a .vsix with the same code-server binary (and the dirs a later startCodeServer uses). */
export async function installVsix(vsixPath: string, dirs: { extensionsDir: string; userDataDir: string }): Promise<void> {
  const output = await runCodeServerCli(['--install-extension', resolve(vsixPath), '--force'], dirs);
  if (!/successfully installed/i.test(output)) throw new Error(`installing ${vsixPath} did not succeed:\n${output}`);
}

/** `publisher.name@version` of every extension installed in `extensionsDir`. */
export async function listExtensions(dirs: { extensionsDir: string; userDataDir: string }): Promise<string[]> {
  const output = await runCodeServerCli(['--list-extensions', '--show-versions'], dirs);
  return output.split('\n').map((line) => line.trim()).filter((line) => /^[\w-]+\.[\w-]+@/.test(line));
}

// ---------------------------------------------------------------------------------------------
// The browser

type Playwright = typeof import('playwright-core');

function playwright(): Playwright {
  // The project's devDependency; setup-e2e.sh installs the same version next to code-server.
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily: only the UI tests need it, and it may sit next to code-server instead
    return require('playwright-core') as Playwright;
  } catch {
    return createRequire(join(CODE_SERVER_DIR, 'package.json'))('playwright-core') as Playwright;
  }
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** The chromium profile folder (removed by close()). */
  readonly profileDir: string;
  /** The page's console and errors, for failure messages. */
  log(): string;
  close(): Promise<void>;
}

/** Debian's chromium with a fresh profile (launchPersistentContext: launch() refuses --user-data-dir). */
export async function openBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const profileDir = mkdtempSync(join(tmpdir(), 'kmw-chromium-'));
  const context = await playwright().chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const lines: string[] = [];
  page.on('console', (message) => lines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`[pageerror] ${error.message}`));
  let closed: Promise<void> | undefined;
  return {
    context,
    page,
    profileDir,
    log: () => lines.join('\n'),
    close: () => {
      closed ??= (async () => {
        try {
          await context.close();
        } finally {
          rmSync(profileDir, { recursive: true, force: true });
        }
      })();
      return closed;
    },
  };
}

export type Workbench = Browser;

/** Opens `folder` in the workbench at `url` and waits for it to be drawn. */
export async function openWorkbench(url: string, folder: string, options: { timeoutMs?: number; viewport?: { width: number; height: number } } = {}): Promise<Workbench> {
  const browser = await openBrowser(options);
  try {
    await browser.page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await browser.page.waitForSelector('.monaco-workbench', { timeout: options.timeoutMs ?? 60_000 });
    return browser;
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** The frame (a webview sits two iframes deep) holding `selector`, searched across every frame. */
export async function frameWith(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Nested frames first: the main frame is only the answer when nothing else has it.
    const frames = [...page.frames()].sort((a, b) => Number(a === page.mainFrame()) - Number(b === page.mainFrame()));
    for (const frame of frames) {
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // detached while we looked
      }
    }
    if (Date.now() > deadline) throw new Error(`no frame holds ${selector} after ${timeoutMs} ms (${page.frames().length} frames)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A PNG of what the user sees, into `path` (folders made as needed). Returns the path. */
export async function screenshot(page: Page, path: string): Promise<string> {
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path });
  return path;
}

// ---------------------------------------------------------------------------------------------
// Extension tests inside the extension host

export interface ExtensionTestsOptions {
  /** The extension under test (absolute folder with its package.json), e.g. ROOT. */
  readonly extensionDevelopmentPath: string;
  /** The module whose run() VS Code calls in the extension host, e.g. IN_HOST_BUNDLE. */
  readonly extensionTestsPath: string;
  readonly workspace: string;
  /** For the whole run, from opening the page to the exit code. Default 120 s. */
  readonly timeoutMs?: number;
  /** Only in-host tests whose name matches this regular expression. */
  readonly grep?: string;
  readonly extensionsDir?: string;
  readonly userDataDir?: string;
  readonly settings?: Record<string, unknown>;
  /** Added to the extension host's environment. */
  readonly env?: Record<string, string>;
  /** A screenshot of the workbench when the run ends (before teardown). */
  readonly screenshotPath?: string;
}

export interface ExtensionTestsRun {
  /** What the workbench passed to codeAutomationExit: 0 when run() resolved. */
  readonly exitCode: number;
  readonly vscodeVersion: string;
  readonly results: readonly InHostResult[];
  /** Why the in-host run failed as a whole (e.g. no test matched `grep`). */
  readonly error?: string;
  /** Figures the in-host tests measured (`name: value unit`). */
  readonly figures: readonly string[];
  /** code-server's output and the page's console (the extension host's console.log lands there). */
  readonly log: string;
  /** Every process teardown stopped (code-server, the extension host and their descendants). */
  readonly stoppedPids: readonly number[];
}

/**
 * Starts code-server, opens the workbench with the test payload (extensionDevelopmentPath +
 * extensionTestsPath), waits for the exit code, reads each in-host test's result, tears down.
 * Throws (with the logs) only when the run did not end or wrote nothing; failing in-host tests
 * are in `results` and a non-zero `exitCode`.
 */
export async function runExtensionTests(options: ExtensionTestsOptions): Promise<ExtensionTestsRun> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (!existsSync(options.extensionTestsPath)) throw new Error(`${options.extensionTestsPath} does not exist: npm run build`);
  const scratch = mkdtempSync(join(tmpdir(), 'kmw-in-host-'));
  const resultsFile = join(scratch, 'results.json');
  const readReport = (): InHostReport | undefined => (existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as InHostReport) : undefined);
  const server = await startCodeServer({
    workspace: options.workspace,
    extensionsDir: options.extensionsDir,
    userDataDir: options.userDataDir,
    settings: options.settings,
    env: { KMW_REPO_ROOT: ROOT, ...options.env, [RESULTS_ENV]: resultsFile, ...(options.grep ? { [GREP_ENV]: options.grep } : {}) },
  });
  let browser: Browser | undefined;
  const logs = (): string => `--- code-server ---\n${server.log().slice(-4000)}\n--- page console ---\n${browser?.log().slice(-6000) ?? ''}`;
  let failure: Error | undefined;
  let exitCode = -1;
  try {
    browser = await openBrowser();
    const { page } = browser;
    // The workbench calls window.codeAutomationExit(code) once run() has settled.
    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    const remote = (path: string): string => `vscode-remote://127.0.0.1:${server.port}${resolve(path)}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(options.extensionTestsPath)],
    ]);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(options.workspace)}&payload=${encodeURIComponent(payload)}`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const report = readReport();
        const where = report?.running ? `still running "${report.running}"` : report ? 'between tests' : 'no in-host test started';
        reject(new Error(`the in-host run did not end in ${timeoutMs / 1000} s (${where}; finished: ${JSON.stringify(report?.results.map((r) => [r.name, r.ok]) ?? [])})`));
      }, timeoutMs);
    });
    try {
      exitCode = await Promise.race([exited, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    if (options.screenshotPath) await screenshot(page, options.screenshotPath).catch(() => undefined);
  } catch (error) {
    failure = error as Error;
  } finally {
    await browser?.close().catch(() => undefined);
  }
  const stoppedPids = await server.stop();
  const report = readReport();
  rmSync(scratch, { recursive: true, force: true });
  if (failure) throw new Error(`${failure.message}\n${logs()}`);
  if (!report) throw new Error(`the in-host run ended with exit code ${exitCode} and wrote no results (did ${options.extensionTestsPath} load?)\n${logs()}`);
  return { exitCode, vscodeVersion: report.vscodeVersion, results: report.results, error: report.error, figures: report.figures ?? [], log: logs(), stoppedPids };
}
