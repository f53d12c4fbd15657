import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { MemoryModel } from '../../model/memoryModel';
import { panelHtml } from '../../shared/panelHtml';
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
    private hooks: PanelHooks = {},
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

  /** Tests route "Export CSV" to a path; hooks not named stay as they are. */
  setHooks(hooks: PanelHooks): void {
    this.hooks = { ...this.hooks, ...hooks };
  }

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  togglePause(): void {
    this.paused = !this.paused;
    this.sendSnapshot();
  }

  showDiagnosis(seriesId: string, headline: string, rows: ReadonlyArray<{ label: string; bytes: number }>): void {
    this.lastDiagnosis = { type: 'diagnosis', key: seriesId, headline, rows };
    void this.post(this.lastDiagnosis);
  }

  showLedger(seriesId: string, entries: readonly LedgerRow[]): void {
    this.ledger = { type: 'ledger', key: seriesId, entries };
    void this.post(this.ledger);
  }

  async exportCsv(requested?: string): Promise<vscode.Uri | undefined> {
    const seriesId = requested ?? this.model.processes()[0]?.key;
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
    return panelHtml({ csp, nonce, scriptUri: script.toString(), styleUri: style.toString() });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
