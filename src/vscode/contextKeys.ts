import * as vscode from 'vscode';
import type { MemoryModel } from '../model/memoryModel';

/** The `when`-clause keys package.json uses to hide commands that cannot apply. */
export const enum ContextKeyName {
  /** At least one process is watched: Stop Watching, Export CSV and Pause apply. */
  Watching = 'kernelMemoryWatch.watching',
  /** An evidence diagnostic is shown: Dismiss Memory Warnings applies. */
  HasEvidence = 'kernelMemoryWatch.hasEvidence',
  /** A Jupyter Server is connected: Disconnect from Jupyter Server applies. */
  RemoteConnected = 'kernelMemoryWatch.remoteConnected',
}

/** One boolean context key, sent to VS Code only when it changes (the model updates several times a second). */
export class ContextKey {
  private value: boolean | undefined;

  constructor(private readonly name: ContextKeyName) {}

  set(value: boolean): void {
    if (value === this.value) return;
    this.value = value;
    void vscode.commands.executeCommand('setContext', this.name, value);
  }
}

/** Keeps `kernelMemoryWatch.watching` true while the model watches a process. */
export function trackWatching(model: MemoryModel): vscode.Disposable {
  const key = new ContextKey(ContextKeyName.Watching);
  const update = (): void => key.set(model.processes().length > 0);
  update();
  const subscription = model.onDidUpdate(update);
  return new vscode.Disposable(() => subscription.dispose());
}
