// Which processes are Python, and what they are: a Jupyter kernel, a script, a debuggee.
// Pure: works on command lines (argv) from the process table.

import * as path from 'node:path';
import type { ProcessInfo } from '../core/processReader';
import { descendantsOf } from '../core/processReader';

export type PythonRole =
  | { readonly kind: 'kernel'; readonly connectionFile: string | undefined }
  | { readonly kind: 'debuggee'; readonly script: string | undefined }
  | { readonly kind: 'script'; readonly script: string | undefined; readonly module: string | undefined };

const PYTHON_EXECUTABLE = /^(python|pythonw|python\d(\.\d+)?|pypy\d?|ipython\d?)(\.exe)?$/i;

/** Whether argv[0] is a Python interpreter (by name, or one of the given interpreter paths). */
export function isPythonExecutable(argv0: string | undefined, knownInterpreters: ReadonlySet<string> = new Set()): boolean {
  if (!argv0) return false;
  if (knownInterpreters.has(argv0)) return true;
  return PYTHON_EXECUTABLE.test(path.basename(argv0));
}

/** What a Python process is doing, from its command line; undefined when it is not Python. */
export function classifyPython(argv: readonly string[], knownInterpreters?: ReadonlySet<string>): PythonRole | undefined {
  if (!isPythonExecutable(argv[0], knownInterpreters)) return undefined;
  let module: string | undefined;
  let script: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-m') {
      module = argv[i + 1];
      break;
    }
    if (arg === '-c') break;
    if (arg.startsWith('-')) {
      if (arg === '-W' || arg === '-X' || arg === '--check-hash-based-pycs') i++; // options with a value
      continue;
    }
    script = arg;
    break;
  }
  const rest = argv.join(' ');
  if (module === 'ipykernel_launcher' || module === 'ipykernel' || /ipykernel_launcher\.py$/.test(script ?? '')) {
    const index = argv.indexOf('-f');
    const connectionFile = index >= 0 ? argv[index + 1] : argv.find((a) => /kernel-[\w-]+\.json$/.test(a));
    return { kind: 'kernel', connectionFile };
  }
  if (module === 'debugpy' || /debugpy/.test(script ?? '') || /\bdebugpy\b.*--/.test(rest)) {
    const scriptIndex = argv.findIndex((a, i) => i > 0 && a.endsWith('.py') && !/debugpy/.test(a));
    return { kind: 'debuggee', script: scriptIndex >= 0 ? argv[scriptIndex] : undefined };
  }
  return { kind: 'script', script, module };
}

export interface PythonProcess {
  readonly pid: number;
  readonly argv: readonly string[];
  readonly role: PythonRole;
  /** Human label: "analysis.py", "kernel-1234.json", "python -m http.server". */
  readonly label: string;
}

export function labelOf(role: PythonRole, argv: readonly string[]): string {
  switch (role.kind) {
    case 'kernel':
      return role.connectionFile ? `kernel ${path.basename(role.connectionFile, '.json').replace(/^kernel-/, '')}` : 'kernel';
    case 'debuggee':
      return role.script ? path.basename(role.script) : 'debug session';
    case 'script':
      if (role.script) return path.basename(role.script);
      if (role.module) return `python -m ${role.module}`;
      return argv.join(' ').slice(0, 60);
  }
}

/**
 * The outermost Python processes below `root`: a Python process whose parent is also Python
 * (multiprocessing workers, a kernel's children) belongs to its parent's tree, which the
 * sampler sums, so it is not watched on its own.
 */
export function topmostPythonDescendants(root: number, processes: readonly ProcessInfo[], knownInterpreters?: ReadonlySet<string>): PythonProcess[] {
  const below = descendantsOf(root, processes);
  const python = new Map<number, PythonProcess>();
  for (const proc of below) {
    const role = classifyPython(proc.argv, knownInterpreters);
    if (role) python.set(proc.pid, { pid: proc.pid, argv: proc.argv, role, label: labelOf(role, proc.argv) });
  }
  const parentOf = new Map(processes.map((proc) => [proc.pid, proc.ppid]));
  const topmost: PythonProcess[] = [];
  for (const candidate of python.values()) {
    let parent = parentOf.get(candidate.pid);
    let nested = false;
    while (parent !== undefined && parent !== root && parent > 1) {
      if (python.has(parent)) {
        nested = true;
        break;
      }
      parent = parentOf.get(parent);
    }
    if (!nested) topmost.push(candidate);
  }
  return topmost;
}
