import * as vscode from 'vscode';
import { formatBytes } from '../../core/format';
import { describeClearedCache, describeDiagnosis, type DiagnosisReport } from '../../kernel/diagnosisReport';
import type { Diagnosis } from '../../kernel/kernelBridge';
import type { MemoryModel } from '../../model/memoryModel';
import { CommandId } from '../commandIds';
import type { KernelConsent, KernelPurpose } from './kernelConsent';
import { notebookName, type KernelSession, type KernelSessions } from './kernelSessions';

export interface DiagnosisEvent {
  readonly seriesId: string;
  readonly notebook: vscode.Uri;
  readonly diagnosis: Diagnosis;
  readonly report: DiagnosisReport;
}

export interface ReleaseResult {
  readonly beforeBytes: number;
  readonly afterBytes: number;
}

/**
 * Diagnose / release / clear-output-cache in a notebook's kernel, each after the consent check
 * and only while the kernel is idle. Before and after are measured by the sampler, so the
 * figures in the messages are the chart's.
 */
export class KernelCommands implements vscode.Disposable {
  private readonly diagnosed = new vscode.EventEmitter<DiagnosisEvent>();
  readonly onDidDiagnose = this.diagnosed.event;

  constructor(
    private readonly model: MemoryModel,
    private readonly log: vscode.LogOutputChannel,
    private readonly sessions: KernelSessions,
    private readonly consent: KernelConsent,
  ) {}

  async diagnose(notebookUri?: vscode.Uri): Promise<DiagnosisEvent | undefined> {
    const session = await this.connect(notebookUri, 'diagnose');
    if (!session?.bridge) return undefined;
    try {
      const diagnosis = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Diagnosing kernel memory…' },
        () => session.bridge!.diagnose(),
      );
      const report = describeDiagnosis(notebookName(session.notebook), diagnosis);
      const event: DiagnosisEvent = { seriesId: session.seriesId, notebook: session.notebook.uri, diagnosis, report };
      this.model.mark(session.seriesId, 'release', `diagnosed: ${formatBytes(diagnosis.rssBeforeBytes)} → ${formatBytes(diagnosis.rssAfterBytes)}`);
      this.log.info(`diagnose ${session.notebook.uri.toString()}: ${JSON.stringify(diagnosis)}`);
      this.diagnosed.fire(event);
      void this.offerActions(session, report);
      return event;
    } catch (error) {
      this.reportError('Diagnose', error);
      return undefined;
    }
  }

  async releaseNow(notebookUri?: vscode.Uri): Promise<ReleaseResult | undefined> {
    const session = await this.connect(notebookUri, 'release');
    if (!session?.bridge) return undefined;
    try {
      return await this.release(session, 'released on request');
    } catch (error) {
      this.reportError('Release', error);
      return undefined;
    }
  }

  async clearOutputCache(notebookUri?: vscode.Uri): Promise<void> {
    const session = await this.connect(notebookUri, 'clear');
    if (!session?.bridge) return;
    const answer = await vscode.window.showWarningMessage(
      `Clear IPython's output cache in ${notebookName(session.notebook)}? Out[n] and _ will be emptied (%reset -f out); your variables stay.`,
      { modal: true },
      'Clear Output Cache',
    );
    if (answer !== 'Clear Output Cache') return;
    try {
      const result = await session.bridge.clearOutputCache();
      void vscode.window.showInformationMessage(
        describeClearedCache(result),
      );
    } catch (error) {
      this.reportError('Clear output cache', error);
    }
  }

  /** gc.collect() and malloc_trim(0) in a connected kernel (also the ledger's auto-release). */
  async release(session: KernelSession, why: string): Promise<ReleaseResult> {
    await this.model.sampler.tick();
    const before = this.model.process(session.seriesId)?.rssBytes ?? 0;
    const release = await session.bridge!.release();
    await this.model.sampler.tick();
    const after = this.model.process(session.seriesId)?.rssBytes ?? release.rssAfterBytes;
    session.lastReleaseAt = Date.now();
    this.model.mark(session.seriesId, 'release', `${why}: ${formatBytes(before)} → ${formatBytes(after)}`);
    void vscode.window.showInformationMessage(
      `Released ${formatBytes(Math.max(0, before - after))} in ${notebookName(session.notebook)}: ${formatBytes(before)} → ${formatBytes(after)} (${release.collectedObjects} objects collected${release.trimmed ? ', heap trimmed' : ''}).`,
    );
    return { beforeBytes: before, afterBytes: after };
  }

  private async connect(notebookUri: vscode.Uri | undefined, purpose: KernelPurpose): Promise<KernelSession | undefined> {
    const notebook = this.sessions.findNotebook(notebookUri);
    if (!notebook) {
      void vscode.window.showInformationMessage('Open a notebook with a running kernel first.');
      return undefined;
    }
    if (!(await this.consent.allows(notebookName(notebook), purpose))) return undefined;
    const session = this.sessions.of(notebook);
    return (await this.sessions.connect(session)) ? session : undefined;
  }

  private async offerActions(session: KernelSession, report: DiagnosisReport): Promise<void> {
    const buttons: string[] = [];
    if (report.actions.includes('clear-output-cache')) buttons.push('Clear Output Cache');
    buttons.push('Open Panel');
    const choice = await vscode.window.showInformationMessage(report.headline, ...buttons);
    if (choice === 'Clear Output Cache') await this.clearOutputCache(session.notebook.uri);
    if (choice === 'Open Panel') await vscode.commands.executeCommand(CommandId.OpenPanel);
  }

  private reportError(what: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.log.error(`${what}: ${message}`);
    void vscode.window.showWarningMessage(`${what}: ${message}`);
  }

  dispose(): void {
    this.diagnosed.dispose();
  }
}

/**
 * The notebook a kernel command was invoked for: a URI from a menu or a test, a series id from
 * the panel (a notebook URI; `kernel:` ids are kernels without a known notebook), else none
 * (the active notebook).
 */
export function notebookArgument(target: unknown): vscode.Uri | undefined {
  if (target instanceof vscode.Uri) return target;
  if (typeof target === 'string' && target.includes(':') && !target.startsWith('kernel:')) return vscode.Uri.parse(target);
  return undefined;
}
