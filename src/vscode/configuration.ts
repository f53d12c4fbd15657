import * as vscode from 'vscode';
import { readSettings, type Settings } from '../model/settings';

/** The settings as validated by model/settings.ts; each problem is logged and shown once. */
export function loadSettings(log: vscode.LogOutputChannel): Settings {
  const configuration = vscode.workspace.getConfiguration('kernelMemoryWatch');
  const { settings, problems } = readSettings((name) => configuration.get(name));
  for (const problem of problems) {
    log.warn(problem);
    void vscode.window.showWarningMessage(`Kernel Memory Watch: ${problem}`);
  }
  return settings;
}
