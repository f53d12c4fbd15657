// When a Jupyter Server says one of its kernels died: whether memory killed it (its last figures
// against its limit, the cell it ran), said in the log and on the chart, and to the user when
// likely, as for a local kernel (src/vscode/kernel/postMortemNotifier.ts).

import * as vscode from 'vscode';
import { formatBytes } from '../../core/format';
import type { MemoryModel } from '../../model/memoryModel';
import { assessRemoteDeath } from '../../remote/remotePostMortem';
import { CommandId } from '../commandIds';
import type { RemoteServers } from './remoteServers';

export class RemotePostMortemNotifier implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(model: MemoryModel, servers: RemoteServers, log: vscode.LogOutputChannel) {
    this.subscription = servers.onDidKernelDie((death) => {
      const result = assessRemoteDeath(death);
      log.info(`remote kernel ${death.kernelId.slice(0, 8)} died: ${result.message}`);
      model.mark(death.key, 'exit', `died at ${formatBytes(Math.max(death.lastBytes, death.recentPeakBytes))}${result.likelyOutOfMemory ? ' (likely out of memory)' : ''}`, death.t);
      if (!result.likelyOutOfMemory) return;
      void vscode.window.showErrorMessage(result.message, 'Show Memory Ledger').then((choice) => {
        if (choice) void vscode.commands.executeCommand(CommandId.ShowLedger, death.key);
      });
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
