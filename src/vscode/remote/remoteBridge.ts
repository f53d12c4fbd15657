// Diagnose, release and clear the output cache in a Jupyter Server's kernel, through the kernel
// bridge's BridgeKernel seam over the source's own connection (src/remote/serverBridgeKernel.ts).
// Consent is asked once per server (remembered for the workspace) before the first code, never
// in an untrusted workspace; the bridge refuses while the kernel runs a cell.

import * as vscode from 'vscode';
import { formatBytes } from '../../core/format';
import { describeClearedCache, describeDiagnosis, type DiagnosisReport } from '../../kernel/diagnosisReport';
import { KernelBridge } from '../../kernel/kernelBridge';
import type { JupyterServerSource } from '../../remote/jupyterServerSource';
import { LimitProber } from '../../remote/limitProbe';
import type { MemoryModel } from '../../model/memoryModel';
import type { RemoteServers } from './remoteServers';

const CONSENT_PREFIX = 'kernelMemoryWatch.remoteCodeConsent:';

export interface RemoteDiagnosis {
  readonly seriesId: string;
  readonly report: DiagnosisReport;
}

export class RemoteKernelBridge implements vscode.Disposable {
  private readonly diagnosed = new vscode.EventEmitter<RemoteDiagnosis>();
  readonly onDidDiagnose = this.diagnosed.event;
  /** Learns each kernel's cgroup limit with the probe, in servers the user allowed code in. */
  private readonly prober: LimitProber;
  private readonly subscription: vscode.Disposable;
  /** A kernel busy when it was listed is probed once idle: kernel lists do not change for that. */
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private readonly model: MemoryModel,
    private readonly servers: RemoteServers,
    private readonly workspaceState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.prober = new LimitProber((view, message) => this.log.warn(`${view.label} on ${view.server}: its memory limit could not be read (${message})`));
    this.subscription = servers.onDidChangeKernels((source) => this.probeAllowed(source));
    this.sweepTimer = setInterval(() => {
      for (const url of servers.urls()) {
        const source = servers.source(url);
        if (source && !source.gone) this.probeAllowed(source);
      }
    }, 5000);
  }

  /** Whether a command's target is one of the connected servers' kernels (a series id). */
  handles(target: unknown): target is string {
    return typeof target === 'string' && this.servers.kernelOf(target) !== undefined;
  }

  async diagnose(seriesId: string): Promise<void> {
    await this.withBridge(seriesId, 'measure its memory, run gc.collect() and malloc_trim(0), and report what came back', async (bridge, name) => {
      const diagnosis = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Diagnosing ${name}…` }, () => bridge.diagnose());
      const report = describeDiagnosis(name, diagnosis);
      this.model.mark(seriesId, 'release', `diagnosed: ${formatBytes(diagnosis.rssBeforeBytes)} → ${formatBytes(diagnosis.rssAfterBytes)}`);
      this.diagnosed.fire({ seriesId, report });
      void vscode.window.showInformationMessage(report.headline);
    });
  }

  async releaseNow(seriesId: string): Promise<void> {
    await this.withBridge(seriesId, 'run gc.collect() and malloc_trim(0)', async (bridge, name) => {
      const release = await bridge.release();
      this.model.mark(seriesId, 'release', `released on request: ${formatBytes(release.rssBeforeBytes)} → ${formatBytes(release.rssAfterBytes)}`);
      void vscode.window.showInformationMessage(
        `Released ${formatBytes(Math.max(0, release.rssBeforeBytes - release.rssAfterBytes))} in ${name}: ${formatBytes(release.rssBeforeBytes)} → ${formatBytes(release.rssAfterBytes)} (${release.collectedObjects} objects collected${release.trimmed ? ', heap trimmed' : ''}).`,
      );
    });
  }

  async clearOutputCache(seriesId: string): Promise<void> {
    await this.withBridge(seriesId, "clear IPython's output cache", async (bridge, name) => {
      const answer = await vscode.window.showWarningMessage(`Clear IPython's output cache in ${name}? Out[n] and _ will be emptied (%reset -f out); your variables stay.`, { modal: true }, 'Clear Output Cache');
      if (answer !== 'Clear Output Cache') return;
      const result = await bridge.clearOutputCache();
      void vscode.window.showInformationMessage(describeClearedCache(result));
    });
  }

  dispose(): void {
    clearInterval(this.sweepTimer);
    this.subscription.dispose();
    this.diagnosed.dispose();
  }

  /** Reads the limit of every idle kernel of a server whose code consent is remembered. */
  private probeAllowed(source: JupyterServerSource): void {
    if (!vscode.workspace.isTrusted || !this.workspaceState.get<boolean>(`${CONSENT_PREFIX}${source.address.display}`)) return;
    void this.prober.sweep(source);
  }

  private async withBridge(seriesId: string, what: string, run: (bridge: KernelBridge, name: string) => Promise<void>): Promise<void> {
    const found = this.servers.kernelOf(seriesId);
    const kernel = found && found.source.bridgeKernelOf(found.view.kernelId);
    if (!found || !kernel) {
      void vscode.window.showInformationMessage('That remote kernel is not connected any more.');
      return;
    }
    const name = `${found.view.label} on ${found.view.server}`;
    try {
      if (!(await this.allows(found.view.server, name, what))) return;
      await run(new KernelBridge(kernel), name);
      // Allowed code in this kernel: its own limit (a pod's cgroup) replaces the host's RAM.
      if (!this.prober.probed(found.view)) void this.prober.probe(found.source, found.view);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn(`${name}: ${message}`);
      void vscode.window.showWarningMessage(`Kernel Memory Watch: ${message}`);
    } finally {
      kernel.dispose();
    }
  }

  private async allows(server: string, name: string, what: string): Promise<boolean> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Kernel Memory Watch does not run code in kernels of an untrusted workspace. Trust the workspace to diagnose or release memory; watching still works.');
      return false;
    }
    const key = `${CONSENT_PREFIX}${server}`;
    if (this.workspaceState.get<boolean>(key)) return true;
    const answer = await vscode.window.showInformationMessage(
      `Kernel Memory Watch will run a short script in the kernel of ${name} to ${what}. It leaves no names in your namespace and never runs while a cell runs.`,
      { modal: true },
      'Allow Once',
      'Allow for This Server',
    );
    if (answer === 'Allow for This Server') await this.workspaceState.update(key, true);
    return answer !== undefined;
  }
}
