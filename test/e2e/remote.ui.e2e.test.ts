// UI test of a Jupyter Server's kernels in VS Code: a real jupyter_server on 127.0.0.1 under a
// JupyterHub-style base URL with a kernel for a notebook holding ~200 MB; the user runs
// "Connect to Jupyter Server…", types the URL and the token, and the gauge and the panel show
// that kernel's memory under its notebook's name. The screenshot goes where ui.e2e.test.ts
// puts its own ($KMW_SCREENSHOTS_DIR, else a temporary folder).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { e2eUnavailable, explainFailure, openWorkbench, packagedVsix, runCommand, startCodeServer, webviewFrame } from './harness';
import { TestJupyterServer } from '../support/jupyterServer';
import { until } from '../support/wait';

const SCREENSHOTS = process.env.KMW_SCREENSHOTS_DIR || join(tmpdir(), `kmw-ui-screenshots-${process.pid}`);
const HOLD_200MB = 'kept = bytearray(200 * 1024 * 1024)\nkept[::4096] = b"x" * len(kept[::4096])\nprint("held", flush=True)';

/** The remote kernel's row of the gauge's tooltip: figure (and its measure), trend, pattern, where the limit came from. */
const TOOLTIP_ROW = /demo\.ipynb \(remote\)\s+\d+(\.\d+)? (MB|GB)( RSS| PSS of the tree( \(RSS [^)]+\))?)?\s+\S+\s+\S+\s+(physical RAM|cgroup v[12] \S+|the kernel host's RAM \(usage_reply\))/;

/** "262 MB" / "1.2 GB" in a text, in MB. */
function megabytes(text: string): number | undefined {
  const match = /(\d+(?:\.\d+)?) (MB|GB)/.exec(text);
  return match ? Number(match[1]) * (match[2] === 'GB' ? 1024 : 1) : undefined;
}

describe('Jupyter Server kernels in a real VS Code', () => {
  it('"Connect to Jupyter Server…": URL and token typed, the gauge and the panel show the remote kernel under its notebook', { timeout: 300_000 }, async (t) => {
    const unavailable = e2eUnavailable();
    if (unavailable) return t.skip(unavailable);
    const vsix = packagedVsix();
    const jupyter = await TestJupyterServer.start({ baseUrl: '/user/demo/' });
    const workspace = mkdtempSync(join(tmpdir(), 'kmw-remote-'));
    // An empty runtime directory: the Connect quick pick then offers no server of this machine,
    // and the test types the URL as a user of a remote hub would.
    const runtimeDir = mkdtempSync(join(tmpdir(), 'kmw-remote-runtime-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    let server: Awaited<ReturnType<typeof startCodeServer>> | undefined;
    let workbench: Awaited<ReturnType<typeof openWorkbench>> | undefined;
    try {
      const { kernelId } = await jupyter.createSession('analysis/demo.ipynb');
      const kernel = jupyter.connect(kernelId);
      const cell = await jupyter.execute(kernel, HOLD_200MB);
      assert.equal(await cell.done, 'ok', cell.stdout());

      server = await startCodeServer({ workspace, vsix, env: { JUPYTER_RUNTIME_DIR: runtimeDir } });
      workbench = await openWorkbench(server, workspace);
      const { page } = workbench;
      try {
        await runCommand(page, 'Kernel Memory Watch: Connect to Jupyter Server');
        await page.waitForSelector('.quick-input-widget input[placeholder*="Type the server URL"]', { timeout: 30_000 });
        await page.keyboard.type(jupyter.url);
        await page.locator(`.quick-input-list .monaco-list-row[aria-label*="${jupyter.url}"]`).first().waitFor({ timeout: 15_000 });
        await page.keyboard.press('Enter');
        await page.waitForSelector('.quick-input-widget input[type="password"]', { timeout: 15_000 });
        await page.keyboard.type(jupyter.token);
        await page.keyboard.press('Enter');

        // The gauge names the notebook and shows what the kernel reports: the 200 MB it holds and more.
        const gauge = page.locator('.statusbar-item[aria-label^="Memory of demo.ipynb"]');
        await gauge.waitFor({ timeout: 60_000 });
        const gaugeMb = await until('the gauge to show the held 200 MB', async () => {
          const mb = megabytes((await gauge.innerText()).replace(/\u00a0/g, ' '));
          return mb !== undefined && mb >= 200 ? mb : undefined;
        });
        t.diagnostic(`gauge: ${gaugeMb} MB for the remote kernel`);

        // The panel lists it as remote, under its notebook's name, with the same figure, and charts it.
        await runCommand(page, 'Kernel Memory Watch: Open Memory Panel');
        const frame = await webviewFrame(page, '#chart-state');
        const option = await until('the remote kernel in the panel', async () => {
          const texts = await frame.locator('#process option').allInnerTexts();
          return texts.map((text) => text.replace(/\u00a0/g, ' ')).find((text) => text.startsWith('demo.ipynb (remote) — '));
        });
        assert.ok((megabytes(option) ?? 0) >= 200, option);
        await until('points of the remote kernel on the chart', async () => Number(await frame.getAttribute('#chart-state', 'data-points')) >= 3);
        await gauge.hover();
        const hover = page.locator('.workbench-hover:visible, .monaco-hover:visible').first();
        await hover.waitFor({ timeout: 10_000 });
        const tooltip = (await hover.innerText()).replace(/\u00a0/g, ' ');
        assert.match(tooltip, /demo\.ipynb \(remote\)/);
        // The kernel runs on this machine, so the source reads its PID from /proc; the tooltip says
        // so (elsewhere: "the memory the kernel reports (usage_reply…)") and where the limit came from.
        const here = /runs on this machine, so PID (\d+) is read from \/proc/.exec(tooltip);
        assert.ok(here || /the memory the kernel reports \(usage_reply/.test(tooltip), tooltip);
        if (here) assert.ok(jupyter.kernelPids().includes(Number(here[1])), `PID ${here[1]} is one of the server's kernels (${jupyter.kernelPids().join(', ')})`);
        assert.match(tooltip, TOOLTIP_ROW, tooltip);
        await page.screenshot({ path: join(SCREENSHOTS, 'remote.png') });

        // "Diagnose in kernel" from the tooltip: consent once for this server, then the bridge runs
        // over the server's kernel connection and the panel shows the breakdown.
        await hover.locator('a', { hasText: 'Diagnose in kernel' }).first().click();
        const allow = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Allow for This Server' });
        await allow.waitFor({ timeout: 15_000 });
        await allow.click();
        const headline = await until('the remote diagnosis in the panel', async () => {
          const text = (await frame.locator('#diagnosis-headline').innerText().catch(() => '')).trim();
          return text !== '' ? text : undefined;
        }, 60_000);
        t.diagnostic(`diagnosis: ${headline}`);
        assert.match(headline, /demo\.ipynb/, headline);
      } catch (error) {
        throw await explainFailure(error, server, page, 'remote');
      }
    } finally {
      await workbench?.close();
      await server?.stop();
      await jupyter.stop(); // the server and each of its kernels, by PID
      rmSync(workspace, { recursive: true, force: true });
      rmSync(runtimeDir, { recursive: true, force: true });
    }
  });
});
