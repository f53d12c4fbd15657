import * as vscode from 'vscode';
import type { BridgeKernel } from '../../kernel/kernelBridge';

/** The one seam between the bridge and the Jupyter extension: tests pass their own. */
export interface KernelProvider {
  getKernel(notebook: vscode.Uri): Promise<BridgeKernel | undefined>;
}

interface JupyterExports {
  readonly kernels?: { getKernel(uri: vscode.Uri): Thenable<BridgeKernel | undefined> };
}

export const JUPYTER_EXTENSION_ID = 'ms-toolsai.jupyter';

/**
 * The Jupyter extension's kernels API, looked up at run time (it is never an
 * extensionDependency). Reading `kernels` is what makes VS Code ask the user for consent, so
 * this is called only when the user invokes a bridge feature.
 */
export async function jupyterKernelProvider(): Promise<KernelProvider | undefined> {
  const extension = vscode.extensions.getExtension<JupyterExports>(JUPYTER_EXTENSION_ID);
  if (!extension) return undefined;
  const api = extension.isActive ? extension.exports : await extension.activate();
  const kernels = api?.kernels;
  if (!kernels) return undefined;
  return { getKernel: async (notebook) => kernels.getKernel(notebook) };
}
