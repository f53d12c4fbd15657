// UI test of the `when` clauses in a real workbench: the palette offers the kernel commands in a
// Jupyter notebook and in VS Code's Interactive Window (notebookType `interactive`, what "Run in
// Interactive Window" and `# %%` cells open), and hides them in a plain editor; the Interactive
// Window's toolbar has Diagnose. No Jupyter extension here (it cannot be installed offline): the
// Interactive Window is opened with VS Code's own command, bound to a key in keybindings.json
// since it is not in the palette, and has no kernel; the menus do not need one.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { e2eUnavailable, explainFailure, openWorkbench, packagedVsix, runCommand, startCodeServer } from './harness';

const DIAGNOSE = 'Kernel Memory Watch: Diagnose Kernel Memory';
const KERNEL_COMMANDS = [DIAGNOSE, 'Kernel Memory Watch: Release Kernel Memory Now', 'Kernel Memory Watch: Clear IPython Output Cache'];
const OPEN_INTERACTIVE_KEY = 'ctrl+alt+shift+i';

/**
 * Whether the palette lists `title`: typed into the palette, answered by its row or by "No
 * matching commands" / "similar commands" (a person retypes when the palette did not open or
 * lost the keys).
 */
async function paletteOffers(page: Page, title: string): Promise<boolean> {
  const row = page.locator(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`).first();
  // Without a match the palette says so, or lists "similar commands" instead.
  const none = page.locator('.quick-input-widget').getByText(/No matching commands|similar commands/).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 10_000 });
    await page.keyboard.type(title);
    try {
      await row.or(none).first().waitFor({ timeout: 10_000 });
      const offered = await row.isVisible();
      await page.keyboard.press('Escape');
      return offered;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

async function quickOpen(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 10_000 });
  await page.keyboard.type(name);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${name}"]`, { timeout: 15_000 });
  await page.keyboard.press('Enter');
}

describe('notebook menus in a real VS Code', () => {
  it('the kernel commands are offered in a Jupyter notebook and in the Interactive Window, not in a .py editor; Diagnose is on the Interactive Window toolbar', { timeout: 300_000 }, async (t) => {
    const unavailable = e2eUnavailable();
    if (unavailable) return t.skip(unavailable);
    const vsix = packagedVsix();
    const workspace = mkdtempSync(join(tmpdir(), 'kmw-menus-'));
    writeFileSync(join(workspace, 'job.py'), 'total = 0\n');
    writeFileSync(
      join(workspace, 'cells.ipynb'),
      JSON.stringify({ cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['x = 1'] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
    );
    const server = await startCodeServer({ workspace, vsix });
    mkdirSync(join(server.userDataDir, 'User'), { recursive: true });
    writeFileSync(join(server.userDataDir, 'User', 'keybindings.json'), JSON.stringify([{ key: OPEN_INTERACTIVE_KEY, command: '_interactive.open' }]));
    const workbench = await openWorkbench(server, workspace);
    const { page } = workbench;
    const toolbarDiagnose = page.locator('a.action-label[aria-label*="Diagnose Kernel Memory"]:visible').first();
    try {
      await page.locator('.activitybar [aria-label*="Kernel Memory"]').first().waitFor({ timeout: 60_000 });
      // A plain Python file: no notebook, no kernel command.
      await quickOpen(page, 'job.py');
      await page.waitForSelector('.monaco-editor .view-lines', { timeout: 20_000 });
      await page.click('.monaco-editor .view-line >> nth=0');
      for (const title of KERNEL_COMMANDS) assert.equal(await paletteOffers(page, title), false, `${title} in a .py editor`);

      // A Jupyter notebook.
      await quickOpen(page, 'cells.ipynb');
      await page.waitForSelector('.notebook-editor .cell-editor-container .view-lines', { timeout: 30_000 });
      await page.click('.notebook-editor .cell-editor-container .view-line >> nth=0');
      for (const title of KERNEL_COMMANDS) assert.equal(await paletteOffers(page, title), true, `${title} in a Jupyter notebook`);
      await toolbarDiagnose.waitFor({ timeout: 15_000 }); // on the notebook's toolbar
      await runCommand(page, 'View: Close All Editors');
      await toolbarDiagnose.waitFor({ state: 'detached', timeout: 15_000 });

      // The Interactive Window, focus in its input box as after "Run in Interactive Window".
      await page.keyboard.press('Control+Alt+Shift+I');
      const input = page.locator('.input-cell-container .input-editor-container .monaco-editor').first();
      await input.waitFor({ timeout: 30_000 });
      await input.click();
      for (const title of KERNEL_COMMANDS) assert.equal(await paletteOffers(page, title), true, `${title} in the Interactive Window`);
      await toolbarDiagnose.waitFor({ timeout: 15_000 }); // on the Interactive Window's toolbar
    } catch (error) {
      throw await explainFailure(error, server, page, 'menus');
    } finally {
      await workbench.close();
      await server.stop();
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
