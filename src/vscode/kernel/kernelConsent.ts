import * as vscode from 'vscode';

const CONSENT_KEY = 'kernelMemoryWatch.kernelCodeConsent';

export type KernelPurpose = 'diagnose' | 'release' | 'clear';

const WHAT: Record<KernelPurpose, string> = {
  diagnose: 'measure its memory, run gc.collect() and malloc_trim(0), and report what came back',
  release: 'run gc.collect() and malloc_trim(0)',
  clear: "clear IPython's output cache",
};

/**
 * Nothing is sent to a kernel without the user's say: never in an untrusted workspace, and only
 * after "Allow Once" or "Allow for This Workspace" (remembered in the workspace state).
 */
export class KernelConsent {
  constructor(private readonly workspaceState: vscode.Memento) {}

  /** Tests grant what a user grants in the consent prompt. */
  async grant(): Promise<void> {
    await this.workspaceState.update(CONSENT_KEY, true);
  }

  /** Whether code may run in this notebook's kernel for this purpose (asks when it must). */
  async allows(notebookName: string, purpose: KernelPurpose): Promise<boolean> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Kernel Memory Watch does not run code in kernels of an untrusted workspace. Trust the workspace to diagnose or release memory; watching from outside still works.');
      return false;
    }
    if (this.workspaceState.get<boolean>(CONSENT_KEY)) return true;
    const answer = await vscode.window.showInformationMessage(
      `Kernel Memory Watch will run a short script in the kernel of ${notebookName} to ${WHAT[purpose]}. It leaves no names in your namespace and never runs while a cell runs.`,
      { modal: true },
      'Allow Once',
      'Allow for This Workspace',
    );
    if (answer === 'Allow for This Workspace') await this.workspaceState.update(CONSENT_KEY, true);
    return answer !== undefined;
  }
}
