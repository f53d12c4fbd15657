// Which actions the panel and the gauge's tooltip offer for a process: they follow its kind.
// A notebook's kernel can be asked to diagnose and release, and has a cell ledger; a script in
// a terminal or a debuggee cannot run our code, so it gets its evidence, its fix, its file.
// Pure; the VS Code layer maps each kind to its command (src/vscode/processActionCommands.ts).

import { EVIDENCE, type EvidenceCode } from '../core/causes';
import type { ProcessView } from '../shared/protocol';

export const PROCESS_ACTION_KINDS = ['diagnose', 'release', 'showLedger', 'showEvidence', 'applyPreferredFix', 'openScript'] as const;
export type ProcessActionKind = (typeof PROCESS_ACTION_KINDS)[number];

export interface ProcessActionEntry {
  readonly title: string;
  /** A codicon for the tooltip's links. */
  readonly icon: string;
}

export const PROCESS_ACTIONS = {
  diagnose: { title: 'Diagnose in kernel', icon: '$(beaker)' },
  release: { title: 'Release memory', icon: '$(trash)' },
  showLedger: { title: 'Cell ledger', icon: '$(list-ordered)' },
  showEvidence: { title: 'Show the loop', icon: '$(warning)' },
  applyPreferredFix: { title: 'Apply the preferred fix', icon: '$(lightbulb)' },
  openScript: { title: 'Open script', icon: '$(go-to-file)' },
} as const satisfies Record<ProcessActionKind, ProcessActionEntry>;

export interface ActionContext {
  /** The code of the evidence diagnostic this process put on a loop or expression, if any. */
  readonly evidence: EvidenceCode | undefined;
}

/** The actions that can work for this process, in the order they are offered. */
export function processActions(process: ProcessView, context: ActionContext): ProcessActionKind[] {
  if (process.exited) return process.source === 'kernel' || process.source === 'remote' ? [] : scriptActions(process, context);
  switch (process.source) {
    case 'kernel':
      // Without its notebook a kernel cannot be reached through the Jupyter extension.
      return process.resourceUri ? ['diagnose', 'release', 'showLedger'] : [];
    case 'remote':
      // Over the server's kernel connection; not while it gives no figure (not answering, no usage).
      return process.status ? [] : ['diagnose', 'release'];
    case 'terminal':
    case 'debug':
    case 'manual':
      return scriptActions(process, context);
    default: {
      const never: never = process.source;
      return never;
    }
  }
}

function scriptActions(process: ProcessView, context: ActionContext): ProcessActionKind[] {
  const actions: ProcessActionKind[] = [];
  if (context.evidence !== undefined) {
    actions.push('showEvidence');
    if (EVIDENCE[context.evidence].preferredFix !== undefined) actions.push('applyPreferredFix');
  }
  if (process.resourceUri?.startsWith('file:')) actions.push('openScript');
  return actions;
}
