/// <reference lib="dom" />
// Chart update time in the real webview bundle under Debian chromium, with 100 k points
// retained: the panel page (same HTML, same strict CSP) fed a snapshot, then timed deltas.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { panelHtml } from '../../src/shared/panelHtml';

const ROOT = join(__dirname, '../..');

async function main(): Promise<void> {
  if (!existsSync('/usr/bin/chromium')) {
    console.log('chart_update_ms_100k: skipped (no /usr/bin/chromium: run scripts/setup-e2e.sh)');
    return;
  }
  const nonce = 'benchnonce';
  const csp = `default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'nonce-${nonce}'`;
  // the webview API stub the page expects, then the real bundle
  const page = panelHtml({ csp, nonce, scriptUri: '/webview.js', styleUri: '/panel.css' }).replace(
    `<script nonce="${nonce}"`,
    `<script nonce="${nonce}" src="/stub.js"></script><script nonce="${nonce}"`,
  );
  const files: Record<string, [string, string]> = {
    '/': ['text/html', page],
    '/webview.js': ['text/javascript', readFileSync(join(ROOT, 'dist/webview.js'), 'utf8')],
    '/panel.css': ['text/css', readFileSync(join(ROOT, 'media/panel.css'), 'utf8')],
    '/stub.js': ['text/javascript', 'window.acquireVsCodeApi = () => ({ postMessage() {} });'],
  };
  const server = createServer((request, response) => {
    const file = files[request.url ?? '/'];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const tab = await browser.newPage({ viewport: { width: 420, height: 700 } });
    const violations: string[] = [];
    tab.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await tab.goto(`http://127.0.0.1:${port}/`);
    const result = await tab.evaluate(async () => {
      const now = Date.now();
      const points = Array.from({ length: 100_000 }, (_, i) => {
        const v = 2e8 + i * 4000 + (i % 97) * 1e5;
        return { t: now - (100_000 - i) * 250, min: v, max: v };
      });
      const process = { key: 'k', pid: 1, label: 'job.py', source: 'terminal', rssBytes: 6e8, measure: 'rss', measureNote: null, summedRssBytes: 6e8, childCount: 0, pattern: 'steady-growth', alarm: true, troughSlopeBytesPerSec: 4000, growthBytes: 4e8, teeth: 0, limitBytes: 8e9, limitSource: 'RAM', secondsToLimit: 1000, exited: false };
      window.postMessage({ type: 'snapshot', processes: [process], series: { k: points }, markers: [], findings: [], paused: false, windowSec: null }, '*');
      await new Promise((r) => setTimeout(r, 500));
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t = Date.now() + i * 250;
        const started = performance.now();
        // the message handler redraws synchronously
        window.dispatchEvent(new MessageEvent('message', { data: { type: 'samples', processes: [process], points: { k: [{ t, min: 6e8, max: 6e8 }] }, markers: [], findings: [] } }));
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const state = document.getElementById('chart-state')!.dataset;
      return { median: times[times.length >> 1], p95: times[Math.floor(times.length * 0.95)], points: Number(state.points) };
    });
    console.log(`chart_update_ms_100k: ${result.median.toFixed(2)} ms`);
    console.log(`chart_update_ms_100k_p95: ${result.p95.toFixed(2)} ms`);
    console.log(`chart_points_retained: ${result.points} points`);
    console.log(`chart_csp_violations: ${violations.length} count`);
  } finally {
    await browser.close();
    server.close();
  }
}

void main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
