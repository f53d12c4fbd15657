import * as vscode from 'vscode';
import { formatBytes } from '../../core/format';
import { evidenceTarget } from '../../python/allocatingLoop';
import { PythonSource } from '../../python/pythonSource';
import type { MemoryModel } from '../../model/memoryModel';
import { EVIDENCE, isEvidenceCode, type EvidenceCode } from '../../core/causes';
import { ContextKey, ContextKeyName } from '../contextKeys';
import { DIAGNOSTIC_SOURCE } from './memoryFixProvider';

/** One evidence diagnostic a series put on a loop or an expression. */
export interface Evidence {
  readonly uri: vscode.Uri;
  readonly diagnostic: vscode.Diagnostic;
}

/**
 * Puts a Warning on the loop (or cached last expression) that was running while a watched
 * process's memory ratcheted: the running notebook cell for a kernel, the script named on the
 * command line for a terminal or debug process. Cleared when the process exits or on request.
 */
export class EvidenceDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('kernelMemoryWatch');
  private readonly alarmed = new Set<string>();
  private readonly bySeries = new Map<string, Evidence[]>(); // where each series' evidence went
  private readonly hasEvidence = new ContextKey(ContextKeyName.HasEvidence);
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(
    private readonly model: MemoryModel,
    /** The cell running right now in the notebook a kernel serves (from the ledger). */
    private readonly runningCell: (notebookUri: string) => vscode.NotebookCell | undefined,
  ) {
    const update = model.onDidUpdate(() => this.check());
    const exit = model.onDidExit(({ view }) => this.clear(view.key));
    this.disposables.push(new vscode.Disposable(() => update.dispose()), new vscode.Disposable(() => exit.dispose()));
  }

  private check(): void {
    for (const view of this.model.processes()) {
      if (view.exited || !view.alarm || this.alarmed.has(view.key) || !view.resourceUri) continue;
      this.alarmed.add(view.key);
      const verdict = this.model.verdictOf(view.key);
      const evidence = `RSS troughs ${formatBytes(view.growthBytes, true)}${view.teeth > 0 ? ` over ${view.teeth} teeth` : ''}`;
      void this.place(view.key, view.source, view.resourceUri, (verdict?.pattern ?? view.pattern) as EvidenceCode, evidence);
    }
  }

  private async place(seriesId: string, source: string, resourceUri: string, pattern: EvidenceCode, evidence: string): Promise<void> {
    let document: vscode.TextDocument | undefined;
    let where: string;
    if (source === 'kernel') {
      const cell = this.runningCell(resourceUri);
      if (!cell) return;
      document = cell.document;
      where = 'while this cell ran';
    } else {
      try {
        document = await vscode.workspace.openTextDocument(vscode.Uri.parse(resourceUri));
      } catch {
        return; // the script is not a file we can open
      }
      where = 'while this script ran';
    }
    const target = evidenceTarget(PythonSource.parse(document.getText()), source === 'kernel');
    if (!target) return;
    const code: EvidenceCode = target.kind === 'cached-expression' ? 'output-cache' : pattern;
    const range =
      target.kind === 'loop'
        ? document.lineAt(target.loop.line).range
        : new vscode.Range(document.positionAt(target.from), document.positionAt(target.to));
    const diagnostic = new vscode.Diagnostic(range, `${evidence} ${where}; ${EVIDENCE[code].cause}.`, vscode.DiagnosticSeverity.Warning);
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = code;
    this.collection.set(document.uri, [...(this.collection.get(document.uri) ?? []), diagnostic]);
    this.bySeries.set(seriesId, [...(this.bySeries.get(seriesId) ?? []), { uri: document.uri, diagnostic }]);
    this.hasEvidence.set(true);
  }

  /** The evidence this series put, first placed first (empty once cleared). */
  evidenceOf(seriesId: string): readonly Evidence[] {
    return this.bySeries.get(seriesId) ?? [];
  }

  /** The code of this series' first evidence diagnostic, if it has one. */
  evidenceCodeOf(seriesId: string): EvidenceCode | undefined {
    const code = this.evidenceOf(seriesId)[0]?.diagnostic.code;
    return isEvidenceCode(code) ? code : undefined;
  }

  /** Clears the diagnostics a process caused (it exited, or the user dismissed them). */
  clear(seriesId?: string): void {
    if (seriesId === undefined) {
      this.collection.clear();
      this.bySeries.clear();
      this.alarmed.clear();
      this.hasEvidence.set(false);
      return;
    }
    for (const { uri } of this.bySeries.get(seriesId) ?? []) this.collection.delete(uri);
    this.bySeries.delete(seriesId);
    this.alarmed.delete(seriesId);
    this.hasEvidence.set(this.bySeries.size > 0);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
