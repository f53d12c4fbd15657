import * as vscode from 'vscode';
import { readOomKillCount } from '../../core/limits';
import { assessKernelDeath } from '../../kernel/postMortem';
import type { MemoryModel } from '../../model/memoryModel';
import { CommandId } from '../commandIds';
import { notebookName, type KernelSessions } from './kernelSessions';

export interface PostMortem {
  readonly seriesId: string;
  readonly message: string;
  readonly likelyOutOfMemory: boolean;
}

/**
 * When a notebook's kernel dies: whether memory killed it (the cgroup's OOM-kill count, the
 * last RSS against the limit, the cell that ran), said in the log, and to the user when likely.
 */
export class PostMortemNotifier implements vscode.Disposable {
  private readonly postMortems = new vscode.EventEmitter<PostMortem>();
  readonly onDidPostMortem = this.postMortems.event;
  private readonly exits: { dispose(): void };

  constructor(
    private readonly model: MemoryModel,
    private readonly sessions: KernelSessions,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.exits = model.onDidExit(({ view }) => this.onProcessExit(view.key, view.rssBytes));
  }

  private onProcessExit(seriesId: string, lastRssBytes: number): void {
    const session = this.sessions.get(seriesId);
    const limit = this.model.limitOf(seriesId);
    if (!session || !limit) return;
    const running = session.ledger.current;
    const result = assessKernelDeath({
      notebookName: notebookName(session.notebook),
      lastRssBytes: lastRssBytes || session.recentPeak,
      recentPeakBytes: session.recentPeak,
      limit,
      oomKillsBefore: session.oomKillsAtStart,
      oomKillsAfter: limit.cgroupDir ? readOomKillCount(limit.cgroupDir) : undefined,
      runningCell: running ? { label: running.label, executionOrder: running.executionOrder } : undefined,
    });
    this.log.info(`kernel of ${seriesId} exited: ${result.message}`);
    this.postMortems.fire({ seriesId, message: result.message, likelyOutOfMemory: result.likelyOutOfMemory });
    this.sessions.disconnect(session);
    if (result.likelyOutOfMemory) {
      void vscode.window.showErrorMessage(result.message, 'Show Memory Ledger').then((choice) => {
        if (choice) void vscode.commands.executeCommand(CommandId.OpenPanel);
      });
    }
  }

  dispose(): void {
    this.exits.dispose();
    this.postMortems.dispose();
  }
}
