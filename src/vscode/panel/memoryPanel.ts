import * as vscode from 'vscode';
import type { MemoryModel } from '../../model/memoryModel';
import type { Finding, HolderRow, HostMessage, LedgerRow, ProcessView, WebviewMessage } from '../../shared/protocol';
import { CommandId } from '../commandIds';
import { PanelSurface, surfaceOptions } from './panelSurface';

/** At most four updates a second reach the webview, whatever the number of processes. */
const UPDATE_INTERVAL_MS = 250;

export interface PanelHooks {
  /** Where "Export CSV" writes; tests pass a path, people get a save dialog. */
  readonly exportTarget?: (suggested: string, filters: Record<string, string[]>) => Promise<vscode.Uri | undefined>;
  readonly revealCell?: (cellId: string) => void;
  /** The actions that fit a process (its kind, its evidence), offered on its finding. */
  readonly actionsFor?: (process: ProcessView) => Finding['actions'];
}

/**
 * The memory panel: a chart.js chart of every watched process, findings, the kernel diagnosis
 * and ledger, in the sidebar and, for the wide view, in an editor tab. Both surfaces share the
 * webview code and this state (pause, window, diagnosis, ledger); each rebuilds from a snapshot
 * when it is shown (state replay instead of retainContextWhenHidden), and deltas are batched.
 */
export class MemoryPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'kernelMemoryWatch.chart';
  static readonly editorViewType = 'kernelMemoryWatch.chartEditor';
  private readonly surfaces = new Set<PanelSurface>();
  private editorPanel: vscode.WebviewPanel | undefined;
  private paused = false;
  private windowSec: number | null = 300;
  private timer: NodeJS.Timeout | undefined;
  private readonly snapshotSent = new vscode.EventEmitter<PanelSurface['kind']>();
  /** Fires when a surface was sent a snapshot: after its script loaded and said it is ready, or when shown again. */
  readonly onDidSendSnapshot = this.snapshotSent.event;
  private readonly disposables: vscode.Disposable[] = [this.snapshotSent];
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
    view.webview.options = surfaceOptions(this.extensionUri);
    this.addSurface({
      kind: 'sidebar',
      webview: view.webview,
      isVisible: () => view.visible,
      onDidBecomeVisible: (listener) => view.onDidChangeVisibility(() => view.visible && listener()),
      onDidDispose: (listener) => view.onDidDispose(listener),
    });
  }

  /** Opens the panel in an editor tab (or brings the open one to the front). */
  openInEditor(): vscode.WebviewPanel {
    if (this.editorPanel) {
      this.editorPanel.reveal();
      return this.editorPanel;
    }
    const panel = vscode.window.createWebviewPanel(MemoryPanel.editorViewType, 'Kernel Memory', vscode.ViewColumn.Active, surfaceOptions(this.extensionUri));
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    this.editorPanel = panel;
    this.addSurface({
      kind: 'editor',
      webview: panel.webview,
      isVisible: () => panel.visible,
      onDidBecomeVisible: (listener) => panel.onDidChangeViewState(() => panel.visible && listener()),
      onDidDispose: (listener) =>
        panel.onDidDispose(() => {
          if (this.editorPanel === panel) this.editorPanel = undefined;
          listener();
        }),
    });
    return panel;
  }

  /** Tests route "Export CSV" to a path; hooks not named stay as they are. */
  setHooks(hooks: PanelHooks): void {
    this.hooks = { ...this.hooks, ...hooks };
  }

  get visible(): boolean {
    return [...this.surfaces].some((surface) => surface.visible);
  }

  /** The editor tab, while it is open (for tests). */
  get editorTab(): vscode.WebviewPanel | undefined {
    return this.editorPanel;
  }

  togglePause(): void {
    this.paused = !this.paused;
    this.sendSnapshot();
  }

  showDiagnosis(seriesId: string, headline: string, rows: ReadonlyArray<{ label: string; bytes: number }>, holders?: { rows: readonly HolderRow[]; summary: string }): void {
    this.lastDiagnosis = { type: 'diagnosis', key: seriesId, headline, rows, holders: holders?.rows, holdersSummary: holders?.summary };
    this.postToAll(this.lastDiagnosis);
  }

  showLedger(seriesId: string, entries: readonly LedgerRow[]): void {
    this.ledger = { type: 'ledger', key: seriesId, entries };
    this.postToAll(this.ledger);
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

  private addSurface(init: Omit<ConstructorParameters<typeof PanelSurface>[0], 'extensionUri' | 'log'>): void {
    const surface = new PanelSurface(
      { ...init, extensionUri: this.extensionUri, log: this.log },
      (from, message) => void this.onMessage(from, message),
      (shown) => this.sendSnapshot(shown),
      (gone) => this.surfaces.delete(gone),
    );
    this.surfaces.add(surface);
  }

  private async onMessage(from: PanelSurface, message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.sendSnapshot(from);
        break;
      case 'setPaused':
        this.paused = message.paused;
        // The other surface shows the same state. On resume this one catches up too.
        this.sendSnapshot(undefined, message.paused ? from : undefined);
        break;
      case 'setWindow':
        this.windowSec = message.windowSec;
        this.sendSnapshot(undefined, from);
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
      case 'copyDel':
        await vscode.env.clipboard.writeText(message.text);
        void vscode.window.showInformationMessage(`Copied “${message.text}”: paste it into a cell to drop the reference.`);
        break;
    }
  }

  private target(suggested: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> {
    if (this.hooks.exportTarget) return this.hooks.exportTarget(suggested, filters);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return Promise.resolve(vscode.window.showSaveDialog({ defaultUri: folder && vscode.Uri.joinPath(folder, suggested), filters }));
  }

  private schedule(): void {
    if (this.timer || !this.visible || this.paused) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendDelta();
    }, UPDATE_INTERVAL_MS);
  }

  /** A full snapshot to one surface, or to every visible one except `except`. */
  private sendSnapshot(to?: PanelSurface, except?: PanelSurface): void {
    const visible = [...this.surfaces].filter((surface) => surface.visible);
    const targets = visible.filter((surface) => (to ? surface === to : surface !== except));
    if (targets.length === 0) return;
    // The snapshot contains what is pending; a visible surface that gets no snapshot gets it as
    // a delta first (a hidden one rebuilds from a snapshot when shown).
    const pending = this.model.takePending();
    const others = visible.filter((surface) => !targets.includes(surface));
    if (others.length > 0 && !this.paused) {
      const delta: HostMessage = { type: 'samples', processes: this.model.processes(), points: pending.points, markers: pending.markers, findings: this.findings() };
      for (const surface of others) void surface.post(delta);
    }
    const snapshot: HostMessage = {
      type: 'snapshot',
      processes: this.model.processes(),
      series: this.model.series(),
      markers: this.model.markers(),
      findings: this.findings(),
      paused: this.paused,
      windowSec: this.windowSec,
    };
    for (const surface of targets) {
      void surface.post(snapshot);
      if (this.lastDiagnosis) void surface.post(this.lastDiagnosis);
      if (this.ledger) void surface.post(this.ledger);
      this.snapshotSent.fire(surface.kind);
    }
  }

  private sendDelta(): void {
    if (!this.visible || this.paused) return;
    const pending = this.model.takePending();
    this.postToAll({ type: 'samples', processes: this.model.processes(), points: pending.points, markers: pending.markers, findings: this.findings() });
  }

  private postToAll(message: HostMessage): void {
    for (const surface of this.surfaces) if (surface.visible) void surface.post(message);
  }

  private findings(): Finding[] {
    return this.model.findings().map((finding) => {
      const process = this.model.process(finding.key);
      const fitting = process && this.hooks.actionsFor ? this.hooks.actionsFor(process) : [];
      return { ...finding, actions: [...finding.actions, ...fitting, { command: CommandId.ExportCsv, title: 'Export CSV' }] };
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.editorPanel?.dispose();
    for (const surface of this.surfaces) surface.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
