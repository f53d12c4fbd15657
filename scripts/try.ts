// `npm run try`: the extension as a user gets it, in one command. Builds the .vsix, installs it
// into the project's own code-server (the one the E2E tests use: scripts/setup-e2e.sh installs
// it into .e2e/ on first use), opens a demo workspace (demo/ plus examples/ratchet.py) on
// 127.0.0.1 and prints the URL. Runs until Ctrl-C, then stops code-server and everything it
// started (extension host, terminals, kernels) by PID.
//
//   npm run try                    # a free port
//   npm run try -- --port 8080     # a port of your choice
//   npm run try -- --fresh         # throw the demo workspace's edits away and copy it again
//   KMW_TRY_DIR=/some/dir npm run try   # keep the try profile somewhere else than .e2e/try

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { e2eUnavailable, installVsix, isAlive, ROOT, startCodeServer, type CodeServer } from '../test/e2e/codeServer';

/** The try profile (extensions, user data, the demo's copy): kept between runs, next to the E2E install, or in $KMW_TRY_DIR. */
const HOME = process.env.KMW_TRY_DIR ? resolve(process.env.KMW_TRY_DIR) : join(ROOT, '.e2e', 'try');
const VSIX = join(ROOT, 'kernel-memory-watch.vsix');
const USAGE = 'usage: npm run try [-- --port PORT] [-- --fresh]';

interface TryOptions {
  readonly port?: number;
  readonly fresh: boolean;
}

function say(text: string): void {
  console.log(`try: ${text}`);
}

function fail(text: string, code = 2): never {
  console.error(`try: ${text}`);
  process.exit(code);
}

function parseArgs(args: readonly string[]): TryOptions {
  let port: number | undefined;
  let fresh = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--fresh') fresh = true;
    else if (arg === '--port') {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value < 1 || value > 65535) fail(`--port needs a port number (1-65535), not ${args[i] ?? 'nothing'}\n${USAGE}`);
      port = value;
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${arg}\n${USAGE}`);
  }
  return { port, fresh };
}

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) fail(`${what} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`, result.status ?? 1);
}

/** A copy of demo/ with the example script, so the quick fixes can be tried without touching the repository. */
function prepareWorkspace(fresh: boolean): string {
  const workspace = join(HOME, 'workspace');
  if (fresh) rmSync(workspace, { recursive: true, force: true });
  if (existsSync(workspace)) {
    say(`reusing the demo workspace ${workspace} with your edits (--fresh copies it again)`);
    return workspace;
  }
  mkdirSync(HOME, { recursive: true });
  cpSync(join(ROOT, 'demo'), workspace, { recursive: true });
  cpSync(join(ROOT, 'examples', 'ratchet.py'), join(workspace, 'ratchet.py'));
  say(`demo workspace: ${workspace}`);
  return workspace;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const missing = e2eUnavailable();
  if (missing) {
    say(`first run: installing code-server 4.100.3 and its Debian packages into .e2e/ (${missing.split(':')[0]})`);
    run('bash', ['scripts/setup-e2e.sh'], 'scripts/setup-e2e.sh');
  }
  say('building kernel-memory-watch.vsix');
  run('npm', ['run', '--silent', 'package'], 'npm run package');
  const workspace = prepareWorkspace(options.fresh);
  const dirs = { extensionsDir: join(HOME, 'extensions'), userDataDir: join(HOME, 'user-data') };
  mkdirSync(dirs.extensionsDir, { recursive: true });
  await installVsix(VSIX, dirs);
  say(`installed the .vsix into ${dirs.extensionsDir}`);
  const server = await startCodeServer({
    workspace,
    ...dirs,
    port: options.port,
    // The demo's README opens first; it says what to try.
    settings: { 'workbench.startupEditor': 'readme' },
    startTimeoutMs: 60_000,
  });
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  console.log(`\nKernel Memory Watch runs in VS Code (code-server, PID ${server.pid}):\n\n  ${url}\n\nOpen it in a browser on this machine (or forward the port). Ctrl-C stops it.\n`);
  keepRunning(server);
}

function keepRunning(server: CodeServer): void {
  let stopping = false;
  const stop = (why: string, code: number): void => {
    if (stopping) return;
    stopping = true;
    say(`${why}: stopping code-server (PID ${server.pid}) and what it started`);
    server.stop().then(
      (pids) => {
        say(`stopped ${pids.length} processes`);
        process.exit(code);
      },
      (error: unknown) => fail(`could not stop everything: ${String(error)}`, 1),
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal === 'SIGINT' ? 'Ctrl-C' : signal, 0));
  setInterval(() => {
    if (!isAlive(server.pid)) {
      console.error(server.log().slice(-3000));
      stop('code-server exited by itself', 1);
    }
  }, 2000);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error), 1));
