import * as vscode from 'vscode';
import { formatBytes } from '../../core/format';
import { ProcessNotFoundError } from '../../core/sampleSource';
import { classifyPython, labelOf } from '../../discovery/processClassifier';
import type { MemoryModel } from '../../model/memoryModel';
import type { PythonInterpreters } from '../pythonExtension';
import { CommandId } from '../commandIds';

interface ProcessPick extends vscode.QuickPickItem {
  readonly pid: number;
  readonly processLabel: string;
}

/** "Watch Python Process…": any Python process on the machine (or a PID given by a caller). */
export async function watchProcessCommand(model: MemoryModel, interpreters: PythonInterpreters, pidArgument?: unknown): Promise<void> {
  if (pidArgument !== undefined) {
    const pid = Number(pidArgument);
    await watchPid(model, pid, `PID ${pid}`);
    return;
  }
  const processes = await model.sampler.reader.listProcesses();
  const picks: ProcessPick[] = [];
  for (const proc of processes) {
    const role = classifyPython(proc.argv, interpreters.known);
    if (!role || proc.pid === process.pid) continue;
    const rss = await model.sampler.reader.rss(proc.pid);
    picks.push({
      pid: proc.pid,
      processLabel: labelOf(role, proc.argv),
      label: `${labelOf(role, proc.argv)}`,
      description: `PID ${proc.pid} · ${rss === undefined ? '?' : formatBytes(rss)}${model.isWatchingPid(proc.pid) ? ' · watched' : ''}`,
      detail: proc.argv.join(' '),
    });
  }
  if (picks.length === 0) {
    void vscode.window.showInformationMessage('No Python process is running on this machine.');
    return;
  }
  picks.sort((a, b) => b.pid - a.pid);
  const choice = await vscode.window.showQuickPick(picks, { placeHolder: 'Watch which Python process?', matchOnDetail: true });
  if (choice) await watchPid(model, choice.pid, choice.processLabel);
}

async function watchPid(model: MemoryModel, pid: number, label: string): Promise<void> {
  try {
    await model.watch({ pid, label, source: 'manual' });
    void vscode.commands.executeCommand(CommandId.OpenPanel);
  } catch (error) {
    if (error instanceof ProcessNotFoundError) void vscode.window.showWarningMessage(error.message);
    else throw error;
  }
}

/** "Stop Watching": a series given by the tooltip link, else a quick pick of the watched ones. */
export async function stopWatchingCommand(model: MemoryModel, seriesId?: unknown): Promise<void> {
  if (typeof seriesId === 'string') {
    model.unwatch(seriesId);
    return;
  }
  const watched = model.processes();
  if (watched.length === 0) {
    void vscode.window.showInformationMessage('Nothing is being watched.');
    return;
  }
  const choice = await vscode.window.showQuickPick(
    watched.map((p) => ({ label: p.label, description: `PID ${p.pid} · ${formatBytes(p.rssBytes)}`, seriesId: p.key })),
    { placeHolder: 'Stop watching which process?' },
  );
  if (choice) model.unwatch(choice.seriesId);
}
