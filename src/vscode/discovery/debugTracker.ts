import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MemoryModel } from '../../model/memoryModel';

const PYTHON_DEBUG_TYPES = new Set(['python', 'debugpy']);

/**
 * Watches the debuggee of Python debug sessions: the debug adapter's `process` event carries
 * its `systemProcessId`.
 */
export function registerDebugTracker(model: MemoryModel, enabled: () => boolean, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.debug.registerDebugAdapterTrackerFactory('*', {
    createDebugAdapterTracker(session) {
      if (!PYTHON_DEBUG_TYPES.has(session.type)) return undefined;
      return {
        onDidSendMessage(message: { type?: string; event?: string; body?: { systemProcessId?: number; name?: string } }) {
          if (message.type !== 'event' || message.event !== 'process' || !enabled()) return;
          const pid = message.body?.systemProcessId;
          if (typeof pid !== 'number') return;
          const program = typeof session.configuration.program === 'string' ? session.configuration.program : undefined;
          model
            .watch({
              pid,
              label: `${program ? path.basename(program) : message.body?.name ?? session.name} (debug)`,
              source: 'debug',
              resourceUri: program ? vscode.Uri.file(program).toString() : undefined,
            })
            .then(
              () => log.info(`watching debuggee PID ${pid} of ${session.name}`),
              (error) => log.warn(`cannot watch debuggee PID ${pid}: ${String(error)}`),
            );
        },
      };
    },
  });
}
