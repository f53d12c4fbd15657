import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { MemoryModel } from '../../model/memoryModel';
import { parseWebviewMessage, type HostMessage, type LedgerRow, type WebviewMessage } from '../../shared/protocol';
import { CommandId } from '../commandIds';

/** At most four updates a second reach the webview, whatever the number of processes. */
const UPDATE_INTERVAL_MS = 250;

export interface PanelHooks {
  /** Where "Export CSV" writes; tests pass a path, people get a save dialog. */
  readonly exportTarget?: (suggested: string, filters: Record<string, string[]>) => Promise<vscode.Uri | undefined>;
  readonly revealCell?: (cellId: string) => void;
}

/**
 * The sidebar panel: a chart.js chart of every watched process, findings, the kernel diagnosis
 * and ledger. It rebuilds from a snapshot each time it is shown (state replay instead of
 * retainContextWhenHidden) and batches deltas while visible.
 */
export class MemoryPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'kernelMemoryWatch.chart';
  private view: vscode.WebviewView | undefined;
  private paused = false;
  private windowSec: number | null = 300;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private lastDiagnosis: Extract<HostMessage, { type: 'diagnosis' }> | undefined;
  private ledger: Extract<HostMessage, { type: 'ledger' }> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: MemoryModel,
    private readonly log: vscode.LogOutputChannel,
    private readonly hooks: PanelHooks = {},
  ) {
    const subscription = model.onDidUpdate(() => this.schedule());
    this.disposables.push(new vscode.Disposable(() => subscription.dispose()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [media, dist] };
    view.webview.html = this.html(view.webview);
    this.disposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) {
          this.log.trace(`ignored a webview message of the wrong shape: ${JSON.stringify(raw)?.slice(0, 200)}`);
          return;
        }
        void this.onMessage(message);
      }),
      view.onDidChangeVisibility(() => {
        if (view.visible) this.sendSnapshot();
      }),
      view.onDidDispose(() => {
        this.view = undefined;
      }),
    );
  }

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  togglePause(): void {
    this.paused = !this.paused;
    this.sendSnapshot();
  }

  showDiagnosis(key: string, headline: string, rows: ReadonlyArray<{ label: string; bytes: number }>): void {
    this.lastDiagnosis = { type: 'diagnosis', key, headline, rows };
    void this.post(this.lastDiagnosis);
  }

  showLedger(key: string, entries: readonly LedgerRow[]): void {
    this.ledger = { type: 'ledger', key, entries };
    void this.post(this.ledger);
  }

  async exportCsv(key?: string): Promise<vscode.Uri | undefined> {
    const seriesId = key ?? this.model.processes()[0]?.key;
    const csv = seriesId ? this.model.traceCsv(seriesId) : undefined;
    if (!seriesId || !csv) {
      void vscode.window.showInformationMessage('Nothing to export yet: no process has been sampled.');
      return undefined;
    }
    const label = (this.model.process(seriesId)?.label ?? 'process').replace(/[^\w.-]+/g, '_');
    const target = await this.target(`${label}-memory.csv`, { 'CSV trace': ['csv'] });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, Buffer.from(csv, 'utf8'));
    void vscode.window.showInformationMessage(`Exported to ${target.fsPath}; \`kernel-memory-watch analyze\` reads it back.`);
    return target;
  }

  private async onMessage(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.sendSnapshot();
        break;
      case 'setPaused':
        this.paused = message.paused;
        if (!this.paused) this.sendSnapshot();
        break;
      case 'setWindow':
        this.windowSec = message.windowSec;
        break;
      case 'exportCsv':
        await this.exportCsv(message.key);
        break;
      case 'exportPng': {
        const target = await this.target('kernel-memory.png', { 'PNG image': ['png'] });
        if (target) await vscode.workspace.fs.writeFile(target, Buffer.from(message.dataUrl.slice('data:image/png;base64,'.length), 'base64'));
        break;
      }
      case 'runCommand':
        await vscode.commands.executeCommand(message.command, message.key);
        break;
      case 'revealCell':
        this.hooks.revealCell?.(message.cellId);
        break;
    }
  }

  private target(suggested: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> {
    if (this.hooks.exportTarget) return this.hooks.exportTarget(suggested, filters);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return Promise.resolve(vscode.window.showSaveDialog({ defaultUri: folder && vscode.Uri.joinPath(folder, suggested), filters }));
  }

  private schedule(): void {
    if (this.timer || !this.view?.visible || this.paused) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendDelta();
    }, UPDATE_INTERVAL_MS);
  }

  private sendSnapshot(): void {
    if (!this.view?.visible) return;
    this.model.takePending(); // the snapshot contains it
    void this.post({
      type: 'snapshot',
      processes: this.model.processes(),
      series: this.model.series(),
      markers: this.model.markers(),
      findings: this.findings(),
      paused: this.paused,
      windowSec: this.windowSec,
    });
    if (this.lastDiagnosis) void this.post(this.lastDiagnosis);
    if (this.ledger) void this.post(this.ledger);
  }

  private sendDelta(): void {
    if (!this.view?.visible || this.paused) return;
    const pending = this.model.takePending();
    void this.post({ type: 'samples', processes: this.model.processes(), points: pending.points, markers: pending.markers, findings: this.findings() });
  }

  private findings(): ReturnType<MemoryModel['findings']> {
    return this.model.findings().map((finding) => ({
      ...finding,
      actions: [
        ...finding.actions,
        { command: CommandId.Diagnose, title: 'Diagnose in kernel' },
        { command: CommandId.ExportCsv, title: 'Export CSV' },
      ],
    }));
  }

  private post(message: HostMessage): Thenable<boolean> | undefined {
    return this.view?.webview.postMessage(message);
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css'));
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource} data:`, `script-src 'nonce-${nonce}'`].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Kernel Memory</title>
</head>
<body>
<div class="toolbar" role="toolbar" aria-label="Chart controls">
  <label>Window <select id="window" aria-label="Time window">
    <option value="300">5 min</option><option value="1800">30 min</option><option value="all">Whole session</option>
  </select></label>
  <button id="pause" aria-pressed="false">Pause</button>
  <label class="grow">Process <select id="process" aria-label="Process to export"></select></label>
  <button id="export-csv" title="Export the selected process as CSV (t,rss)">Export CSV</button>
  <button id="export-png" title="Save the chart as PNG">Export PNG</button>
</div>
<p id="empty" class="empty">Run a notebook cell or a Python script: its memory shows up here. Or pick any Python process with <em>Kernel Memory Watch: Watch Python Process…</em></p>
<div class="chart" hidden><canvas id="chart" role="img" aria-label="Memory of the watched processes over time"></canvas></div>
<div id="chart-state" hidden data-datasets="0" data-points="0" data-markers="0"></div>
<section id="findings-section" hidden><h2>Findings</h2><ul id="findings"></ul></section>
<section id="diagnosis-section" hidden><h2>Diagnosis</h2><p id="diagnosis-headline"></p><table><tbody id="diagnosis-rows"></tbody></table></section>
<section id="ledger-section" hidden><h2>Cells</h2>
<table><thead><tr><th>Cell</th><th data-sort="startBytes" tabindex="0">Start</th><th data-sort="peakBytes" tabindex="0">Peak</th><th data-sort="endBytes" tabindex="0">End</th><th data-sort="retainedBytes" tabindex="0">Retained</th></tr></thead><tbody id="ledger-rows"></tbody></table></section>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
