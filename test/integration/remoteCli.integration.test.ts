// `kernel-memory-watch watch --server` against a real jupyter_server: the bundled CLI end to end,
// the exit codes, and the verdict of a cycle-garbage cell.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../support/cli';
import { TestJupyterServer } from '../support/jupyterServer';
import { freePort, until } from '../support/wait';
import { RATCHETING_CYCLE_CELL } from '../support/cells';

const CLI = join(__dirname, '../../dist/cli.js');
let server: TestJupyterServer;
before(async () => {
  server = await TestJupyterServer.start();
  process.env.KMW_TEST_TOKEN = server.token;
});
after(async () => {
  delete process.env.KMW_TEST_TOKEN;
  await server?.stop();
});

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('kernel-memory-watch watch --server on a real server', { concurrency: 1 }, () => {
  it('dist/cli.js watch --server --json --duration prints one JSON array with a verdict per kernel', async () => {
    const { kernelId } = await server.createSession('nb/one.ipynb');
    const client = server.connect(kernelId);
    const cell = await server.execute(client, 'import time\nkept = []\nfor i in range(30):\n    kept.append(bytearray(4_000_000)); time.sleep(0.2)\n');
    const run = await runCli(['watch', '--server', server.url, '--json', '--duration', '4', '--interval', '250'], { JUPYTER_TOKEN: server.token });
    assert.equal(run.code, 0, run.stderr);
    const verdicts = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    assert.ok(Array.isArray(verdicts));
    const mine = verdicts.find((v) => v.kernelId === kernelId);
    assert.ok(mine, run.stdout);
    assert.equal(mine.notebook, 'nb/one.ipynb');
    assert.equal(mine.server, server.url);
    assert.ok((mine.samples as number) >= 5, `${String(mine.samples)} samples`);
    assert.ok((mine.peakBytes as number) > 50_000_000);
    for (const field of ['pattern', 'alarm', 'alarmed', 'limit', 'forecast', 'pid']) assert.ok(field in mine, field);
    assert.ok(!run.stdout.includes(server.token) && !run.stderr.includes(server.token), 'the token leaked');
    await cell.done;
    await server.shutdownKernel(kernelId);
  });

  it('says on stderr, and in the verdict, that a kernel died while a cell ran, naming the cell', async () => {
    const { kernelId } = await server.createSession('nb/dies.ipynb');
    const client = server.connect(kernelId);
    const pidCell = await server.execute(client, 'import os; print(os.getpid())');
    assert.equal(await pidCell.done, 'ok');
    const pid = Number(pidCell.stdout().trim());
    const watching = cli('watch', '--server', server.url, '--token-env', 'KMW_TEST_TOKEN', '--interval', '250', '--duration', '10', '--json');
    await until('the watcher connected to the kernel', async () => (await server.kernelConnections(kernelId)) >= 2, 30_000, 100);
    const cell = await server.execute(client, "import time\nheld = b'\\x01' * (150 * 1024 * 1024)\nprint('held', flush=True)\ntime.sleep(60)", { storeHistory: true });
    void cell.done.catch(() => undefined);
    await until('the cell holding its 150 MB', () => cell.stdout().includes('held'), 30_000, 50);
    process.kill(pid, 'SIGKILL');
    const run = await watching;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /kernel-memory-watch: Kernel of nb\/dies\.ipynb on \S+ (died|exited) at \d/);
    const mine = (JSON.parse(run.stdout) as Array<Record<string, unknown>>).find((v) => v.kernelId === kernelId);
    assert.match(String(mine?.postMortem), /cell \[1\] running/, run.stderr);
    await server.shutdownKernel(kernelId);
  });

  it('exits 3 with --fail-on-alarm on a cycle-garbage cell, pattern sawtooth-ratchet', async () => {
    const { kernelId } = await server.createSession('cycles.ipynb');
    const client = server.connect(kernelId);
    const watching = cli('watch', '--server', server.url, '--token-env', 'KMW_TEST_TOKEN', '--interval', '250', '--duration', '22', '--json', '--fail-on-alarm');
    const cell = await server.execute(client, RATCHETING_CYCLE_CELL);
    assert.equal(await cell.done, 'ok', cell.stdout());
    const run = await watching;
    const verdict = (JSON.parse(run.stdout) as Array<Record<string, unknown>>).find((v) => v.kernelId === kernelId)!;
    console.log(`  cli cycle cell: ${String(verdict.samples)} samples (${String(verdict.origin)}), ${String(verdict.pattern)}, last alarm ${String(verdict.lastAlarmPattern)}`);
    assert.equal(verdict.alarmed, true);
    assert.equal(verdict.lastAlarmPattern, 'sawtooth-ratchet');
    assert.equal(run.code, 3);
    await server.shutdownKernel(kernelId);
  });

  it('exits 2 with a plain message for a refused token and for an unreachable server', async () => {
    process.env.KMW_WRONG_TOKEN = 'not-the-token';
    try {
      const refused = await cli('watch', '--server', server.url, '--token-env', 'KMW_WRONG_TOKEN', '--duration', '2');
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /refused the token \(HTTP 403\).*\$KMW_WRONG_TOKEN, which is set/);
      assert.doesNotMatch(refused.stderr, /not-the-token|\n\s+at /);
    } finally {
      delete process.env.KMW_WRONG_TOKEN;
    }
    const port = await freePort();
    const dead = await runCli(['watch', '--server', `http://127.0.0.1:${port}/`, '--json'], { JUPYTER_TOKEN: 'x' });
    assert.equal(dead.code, 2);
    assert.match(dead.stderr, new RegExp(`cannot reach the Jupyter Server at http://127.0.0.1:${port}/: connection refused`));
    assert.equal(dead.stdout, '');
  });

  it('ends with the verdicts when the server goes away', async () => {
    const doomed = await TestJupyterServer.start();
    try {
      const { kernelId } = await doomed.createSession('doomed.ipynb');
      const watching = runCli(['watch', '--server', doomed.url, '--json', '--interval', '250'], { JUPYTER_TOKEN: doomed.token });
      await until('the kernel to be answering', async () => {
        const response = await fetch(`${doomed.url}api/kernels/${kernelId}`, { headers: { Authorization: `token ${doomed.token}` } });
        return ((await response.json()) as { connections: number }).connections > 0;
      }, 30_000, 100);
      await doomed.stop();
      const run = await watching;
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /cannot reach the Jupyter Server/);
      assert.equal((JSON.parse(run.stdout) as Array<{ kernelId: string; state: string }>).find((v) => v.kernelId === kernelId)?.state, 'ended');
    } finally {
      await doomed.stop();
    }
  });
});
