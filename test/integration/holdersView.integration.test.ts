/// <reference lib="dom" />
// The panel's "what holds the live data" table in the real webview bundle under Debian chromium
// (the panel's HTML and strict CSP): a diagnosis with holders draws one row each, "Copy del"
// and the cell link post the protocol's messages, and what only the output cache holds offers
// Clear Output Cache instead of a del.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { holderRows, readLiveData } from '../../src/kernel/liveData';
import { panelHtml } from '../../src/shared/panelHtml';

const ROOT = join(__dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';

const liveData = readLiveData({
  entries: [
    { name: 'big', type: 'DataFrame', module: 'pandas', shape: [10_000_000, 5], bytes: 400e6, sharedBytes: 0, extentBytes: 400e6, cell: 2 },
    { name: 'Out[6]', type: 'DataFrame', module: 'pandas', shape: [5, 5], bytes: 300e6, sharedBytes: 0, extentBytes: 332, aliases: ['_6', '_'], hiddenRefs: ['_6'], cell: 6 },
    { name: 'view', type: 'ndarray', module: 'numpy', shape: [12_500_000], bytes: 0, sharedBytes: 200e6, sharedWith: 'base', isView: true, extentBytes: 100e6, cell: 3 },
  ],
  totalBytes: 900e6,
  holders: 3,
  seconds: 0.04,
})!;
const ledger = [{ cellId: 'file:///demo/loop.ipynb#cell-2', label: 'cell 2', executionOrder: 2, startedAt: 0, endedAt: 1, startBytes: 0, peakBytes: 0, endBytes: 0, retainedBytes: 0, outcome: 'succeeded' as const }];

describe('the holders table in the panel webview', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: run scripts/setup-e2e.sh` }, () => {
  it('draws the rows and posts copyDel, revealCell and the clear-cache command', async () => {
    const nonce = 'testnonce';
    const csp = `default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'nonce-${nonce}'`;
    const page = panelHtml({ csp, nonce, scriptUri: '/webview.js', styleUri: '/panel.css' }).replace(
      `<script nonce="${nonce}"`,
      `<script nonce="${nonce}" src="/stub.js"></script><script nonce="${nonce}"`,
    );
    const files: Record<string, [string, string]> = {
      '/': ['text/html', page],
      '/webview.js': ['text/javascript', readFileSync(join(ROOT, 'dist/webview.js'), 'utf8')],
      '/panel.css': ['text/css', readFileSync(join(ROOT, 'media/panel.css'), 'utf8')],
      '/favicon.ico': ['image/x-icon', ''], // chromium asks for it: a 404 would count as a page error
      '/stub.js': ['text/javascript', 'window.posted = []; window.acquireVsCodeApi = () => ({ postMessage(m) { window.posted.push(m); } });'],
    };
    const server = createServer((request, response) => {
      const file = files[request.url ?? '/'];
      if (!file) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const tab = await browser.newPage({ viewport: { width: 600, height: 700 } });
      const problems: string[] = [];
      tab.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      tab.on('pageerror', (error) => problems.push(error.message));
      await tab.goto(`http://127.0.0.1:${port}/`);
      const message = { type: 'diagnosis', key: 'file:///demo/loop.ipynb', headline: 'loop.ipynb: 1.1 GB is live data.', rows: [{ label: 'Live data', bytes: 1.1e9 }], holders: holderRows(liveData, ledger), holdersSummary: 'summary line' };
      await tab.evaluate((m) => window.postMessage(m, '*'), message);
      await tab.waitForSelector('#holders tr[data-holder="view"]', { timeout: 10_000 });
      const rows = await tab.$$eval('#holders tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
      assert.deepEqual(rows.map((row) => row[0]), ['big', 'Out[6]', 'view']);
      assert.deepEqual(rows[0].slice(1, 4), ['DataFrame', '10,000,000 × 5', '381 MB']);
      assert.match(rows[2][3] ?? '', /\+191 MB shared/);
      assert.equal(rows[2][4], 'view of base');
      await tab.click('#holders tr[data-holder="big"] button');
      await tab.click('#holders tr[data-holder="big"] a');
      await tab.click('#holders tr[data-holder="Out[6]"] button');
      const posted = await tab.evaluate(() => (window as unknown as { posted: unknown[] }).posted.filter((m) => (m as { type: string }).type !== 'ready'));
      assert.deepEqual(posted, [
        { type: 'copyDel', text: 'del big' },
        { type: 'revealCell', cellId: 'file:///demo/loop.ipynb#cell-2' },
        { type: 'runCommand', command: 'kernelMemoryWatch.clearOutputCache', key: 'file:///demo/loop.ipynb' },
      ]);
      assert.equal(await tab.$('#holders tr[data-holder="Out[6]"] a'), null, 'no link where the ledger does not know the cell');
      assert.equal(await tab.textContent('#holders .holders-summary'), 'summary line');
      if (process.env.KMW_SHOT) await tab.screenshot({ path: process.env.KMW_SHOT, fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
