// Wiring only: every piece is built elsewhere and every disposable goes to the context.

import * as vscode from 'vscode';
import { ProcessTreeSampler } from './core/sampler';
import { holderRows, liveDataSummary } from './kernel/liveData';
import { MemoryModel } from './model/memoryModel';
import type { Settings } from './model/settings';
import { CommandId } from './vscode/commandIds';
import { trackWatching } from './vscode/contextKeys';
import { actionCommandsFor, ProcessCommands } from './vscode/commands/processCommands';
import { stopWatchingCommand, watchProcessCommand } from './vscode/commands/watchProcess';
import { loadSettings } from './vscode/configuration';
import { registerDebugTracker } from './vscode/discovery/debugTracker';
import { ProcessDiscovery } from './vscode/discovery/processDiscovery';
import { jupyterKernelProvider, type KernelProvider } from './vscode/kernel/jupyterKernels';
import { notebookArgument } from './vscode/kernel/kernelCommands';
import { KernelMemoryController } from './vscode/kernel/kernelMemoryController';
import { revealCell } from './vscode/kernel/kernelSessions';
import { MemoryPanel, type PanelHooks } from './vscode/panel/memoryPanel';
import { PythonInterpreters } from './vscode/pythonExtension';
import { EvidenceDiagnostics } from './vscode/quickFix/evidenceDiagnostics';
import { MemoryFixProvider } from './vscode/quickFix/memoryFixProvider';
import { RemoteKernelBridge } from './vscode/remote/remoteBridge';
import { RemotePostMortemNotifier } from './vscode/remote/remotePostMortemNotifier';
import { RemoteCommands } from './vscode/remote/remoteCommands';
import { RemoteServers } from './vscode/remote/remoteServers';
import { MemoryGauge } from './vscode/statusBar/memoryGauge';

/** What the extension hands to its own tests (only in test mode). */
export interface KernelMemoryWatchTestApi {
  readonly model: MemoryModel;
  readonly discovery: ProcessDiscovery;
  readonly kernels: KernelMemoryController;
  readonly panel: MemoryPanel;
  readonly gauge: MemoryGauge;
  readonly diagnostics: EvidenceDiagnostics;
  readonly quickFixes: MemoryFixProvider;
  readonly settings: () => Settings;
  readonly remote: RemoteServers;
  /** How long `activate` took (ms), for the E2E run to report. */
  readonly activationMs: number;
  setPanelHooks(hooks: PanelHooks): void;
  setKernelProvider: (provider: () => Promise<KernelProvider | undefined>) => void;
}

export function activate(context: vscode.ExtensionContext): KernelMemoryWatchTestApi | undefined {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Kernel Memory Watch', { log: true });
  context.subscriptions.push(log);

  let settings = loadSettings(log);
  const model = new MemoryModel({
    // a process idle for a minute is sampled at 1 Hz; any move, cell or terminal command wakes it
    sampler: new ProcessTreeSampler({ intervalMs: settings.samplingIntervalMs, adaptiveRate: true }),
    limitOverrideBytes: settings.limitOverrideBytes,
    historySec: settings.historyHours * 3600,
  });
  context.subscriptions.push({ dispose: () => model.dispose() });

  const interpreters = new PythonInterpreters(log);
  context.subscriptions.push(interpreters);
  void interpreters.start();

  const discovery = new ProcessDiscovery(model, interpreters, () => settings, log);
  context.subscriptions.push(discovery);
  context.subscriptions.push(registerDebugTracker(model, () => settings.watchDebugSessions, log));

  const panel = new MemoryPanel(context.extensionUri, model, log, { revealCell });
  context.subscriptions.push(panel, vscode.window.registerWebviewViewProvider(MemoryPanel.viewType, panel));

  const kernels = new KernelMemoryController(context, model, log, jupyterKernelProvider, () => ({
    enabled: settings.autoRelease,
    thresholdBytes: settings.autoReleaseThresholdMB * 1024 * 1024,
    minIntervalMs: settings.autoReleaseMinIntervalSec * 1000,
  }));
  context.subscriptions.push(
    kernels,
    kernels.onDidDiagnose((event) => {
      const liveData = event.report.liveData;
      const holders = liveData && { rows: holderRows(liveData, kernels.ledgerOf(event.notebook)), summary: liveDataSummary(liveData) };
      panel.showDiagnosis(event.seriesId, event.report.headline, event.report.rows, holders ?? undefined);
    }),
    kernels.onDidChangeLedger((seriesId) => panel.showLedger(seriesId, kernels.ledgerOf(vscode.Uri.parse(seriesId)))),
  );

  const diagnostics = new EvidenceDiagnostics(model, (notebookUri) => kernels.runningCell(notebookUri));
  const quickFixes = new MemoryFixProvider(() => settings.quickFixEveryN);
  const processCommands = new ProcessCommands(model, diagnostics);
  panel.setHooks({ actionsFor: (process) => actionCommandsFor(process, diagnostics) });
  context.subscriptions.push(
    diagnostics,
    vscode.languages.registerCodeActionsProvider({ language: 'python' }, quickFixes, {
      providedCodeActionKinds: MemoryFixProvider.providedCodeActionKinds,
    }),
  );

  const remote = new RemoteServers(model, context.secrets, log, {
    intervalMs: () => settings.remoteIntervalMs,
    limitOverrideBytes: () => settings.limitOverrideBytes,
  });
  const remoteCommands = new RemoteCommands(remote, log, () => settings.remoteServers);
  const remoteBridge = new RemoteKernelBridge(model, remote, context.workspaceState, log);
  context.subscriptions.push(
    remote,
    remoteBridge,
    new RemotePostMortemNotifier(model, remote, log),
    remoteBridge.onDidDiagnose((event) => {
      // what holds the memory, as for a local kernel (its ledger names cells, with no editor cell to reveal)
      const liveData = event.report.liveData;
      panel.showDiagnosis(event.seriesId, event.report.headline, event.report.rows, liveData ? { rows: holderRows(liveData, remote.ledgerOf(event.seriesId)), summary: liveDataSummary(liveData) } : undefined);
    }),
    remote.onDidChangeLedger(({ seriesId, entries }) => panel.showLedger(seriesId, entries)),
  );
  void remoteCommands.connectConfigured(settings.remoteServers);

  const gauge = new MemoryGauge({
    model,
    settings: () => settings,
    activeTerminalPids: () => discovery.activeTerminalPids,
    actionsFor: (process) => actionCommandsFor(process, diagnostics),
  });
  context.subscriptions.push(gauge, trackWatching(model));

  context.subscriptions.push(
    vscode.commands.registerCommand(CommandId.OpenPanel, () => vscode.commands.executeCommand(`${MemoryPanel.viewType}.focus`)),
    vscode.commands.registerCommand(CommandId.WatchProcess, (pid?: unknown) => watchProcessCommand(model, interpreters, pid)),
    vscode.commands.registerCommand(CommandId.StopWatching, (seriesId?: unknown) => stopWatchingCommand(model, seriesId)),
    // A remote kernel's series id goes to the bridge over its server; anything else to the notebook's kernel.
    vscode.commands.registerCommand(CommandId.Diagnose, (target?: unknown) => (remoteBridge.handles(target) ? remoteBridge.diagnose(target) : kernels.diagnose(notebookArgument(target)))),
    vscode.commands.registerCommand(CommandId.ReleaseNow, (target?: unknown) => (remoteBridge.handles(target) ? remoteBridge.releaseNow(target) : kernels.releaseNow(notebookArgument(target)))),
    vscode.commands.registerCommand(CommandId.ClearOutputCache, (target?: unknown) => (remoteBridge.handles(target) ? remoteBridge.clearOutputCache(target) : kernels.clearOutputCache(notebookArgument(target)))),
    vscode.commands.registerCommand(CommandId.ExportCsv, (seriesId?: unknown) => panel.exportCsv(typeof seriesId === 'string' ? seriesId : undefined)),
    vscode.commands.registerCommand(CommandId.TogglePause, () => panel.togglePause()),
    vscode.commands.registerCommand(CommandId.DismissDiagnostics, () => diagnostics.clear()),
    vscode.commands.registerCommand(CommandId.OpenPanelInEditor, () => panel.openInEditor()),
    vscode.commands.registerCommand(CommandId.ShowLedger, async (seriesId?: unknown) => {
      const notebook = remoteBridge.handles(seriesId) ? undefined : (notebookArgument(seriesId) ?? vscode.window.activeNotebookEditor?.notebook.uri);
      if (remoteBridge.handles(seriesId)) panel.showLedger(seriesId, remote.ledgerOf(seriesId));
      else if (notebook) panel.showLedger(notebook.toString(), kernels.ledgerOf(notebook));
      await vscode.commands.executeCommand(CommandId.OpenPanel);
    }),
    vscode.commands.registerCommand(CommandId.ShowEvidence, (seriesId?: unknown) => processCommands.showEvidence(seriesId)),
    vscode.commands.registerCommand(CommandId.ApplyPreferredFix, (seriesId?: unknown) => processCommands.applyPreferredFix(seriesId)),
    vscode.commands.registerCommand(CommandId.OpenScript, (seriesId?: unknown) => processCommands.openScript(seriesId)),
    vscode.commands.registerCommand(CommandId.ConnectJupyterServer, () => remoteCommands.connect()),
    vscode.commands.registerCommand(CommandId.DisconnectJupyterServer, () => remoteCommands.disconnect()),
    vscode.window.onDidStartTerminalShellExecution(() => model.wake()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('kernelMemoryWatch')) return;
      settings = loadSettings(log);
      model.setLimitOverride(settings.limitOverrideBytes);
      remote.setLimitOverride(settings.limitOverrideBytes);
      void remoteCommands.connectConfigured(settings.remoteServers);
      model.sampler.setInterval(settings.samplingIntervalMs);
      discovery.update();
      gauge.render();
    }),
  );

  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    model,
    discovery,
    kernels,
    panel,
    gauge,
    diagnostics,
    quickFixes,
    settings: () => settings,
    remote,
    activationMs,
    setPanelHooks: (hooks) => panel.setHooks(hooks),
    setKernelProvider: (provider) => kernels.setKernelProvider(provider),
  };
}

export function deactivate(): void {}
