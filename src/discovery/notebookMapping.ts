// Which open notebook a Jupyter kernel serves, when the Jupyter extension cannot be asked
// (not installed, or no consent yet to run code in the kernel). Pure: paths in, notebook out.

import * as path from 'node:path';

export interface OpenNotebook {
  /** The notebook's file path (the Jupyter extension starts its kernel in this file's folder). */
  readonly fsPath: string;
  /** Whether a live kernel other than the one being mapped already serves this notebook. */
  readonly claimed: boolean;
}

/**
 * The notebook of a kernel that is a child of this window's extension host, from the kernel's
 * working directory:
 * 1. the unclaimed notebooks in that folder (the Jupyter extension's default
 *    `jupyter.notebookFileRoot` is the notebook's folder): the only one, else the active one;
 * 2. else, when the folder says nothing (the user set another file root), the only unclaimed
 *    open notebook: the kernel belongs to this window, so it serves one of its notebooks;
 *    unless `otherKernelHosts` (interactive windows, untitled notebooks: they have kernels but
 *    no folder to match) say it may serve something else.
 * Undefined when it cannot be told: the kernel gets its own series, named after the kernel.
 */
export function notebookOfKernel<T extends OpenNotebook>(kernelCwd: string | undefined, notebooks: readonly T[], active?: T, otherKernelHosts = 0): T | undefined {
  const free = notebooks.filter((notebook) => !notebook.claimed);
  if (kernelCwd !== undefined) {
    const folder = path.resolve(kernelCwd);
    const inFolder = free.filter((notebook) => path.dirname(path.resolve(notebook.fsPath)) === folder);
    if (inFolder.length === 1) return inFolder[0];
    // Two notebooks in one folder cannot be told apart by folder: the active one has just run.
    if (inFolder.length > 1) return inFolder.find((notebook) => notebook === active);
  }
  return free.length === 1 && otherKernelHosts === 0 ? free[0] : undefined;
}
