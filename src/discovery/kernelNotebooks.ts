// The notebook types whose documents run a Jupyter kernel: an .ipynb opened by the Jupyter
// extension, and VS Code's Interactive Window ("Run in Interactive Window", `# %%` cells).
// Every command, menu and provider that serves a notebook's kernel applies to both; package.json's
// `when` clauses list the same two (test/unit/kernelNotebooks.unit.test.ts keeps them in step).

export const KERNEL_NOTEBOOK_TYPES = ['jupyter-notebook', 'interactive'] as const;

export type KernelNotebookType = (typeof KERNEL_NOTEBOOK_TYPES)[number];

/** Whether a notebook of this type runs a Jupyter kernel (other notebook types have none). */
export function runsJupyterKernel(notebookType: string): notebookType is KernelNotebookType {
  return (KERNEL_NOTEBOOK_TYPES as readonly string[]).includes(notebookType);
}
