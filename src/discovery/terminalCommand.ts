// Whether a command line typed in a terminal (as shell integration reports it) may start Python,
// so discovery can look for the process at once instead of reading the process table on a
// timer. Pure. It errs towards yes: a false yes costs a few scans, a false no a missed process
// (until the terminal's next command or the user's own "Watch Python Process…").

import * as path from 'node:path';
import { isPythonExecutable } from './processClassifier';

/** Words that run the rest of the line as a command. */
const PREFIXES = new Set(['sudo', 'env', 'time', 'nice', 'nohup', 'exec', 'command', 'stdbuf', 'timeout', 'taskset', 'ionice', 'xvfb-run']);
/** Environment managers whose `run` (or `exec`) starts the project's Python. */
const RUNNERS = new Set(['uv', 'uvx', 'poetry', 'pipenv', 'conda', 'mamba', 'micromamba', 'pdm', 'hatch', 'rye', 'pixi', 'pipx']);
/** Entry points of Python tools: the process they start is Python. */
const PYTHON_TOOLS = /^(pytest|py\.test|jupyter(-\w+)?|ipython\d?|ipykernel|streamlit|uvicorn|gunicorn|hypercorn|celery|flask|django-admin|manage\.py|dask(-\w+)?|ray|snakemake|airflow|mlflow|tensorboard|accelerate|torchrun|deepspeed|python\d?(\.\d+)?-config)$/i;

/** Splits a shell line into its simple commands (`;`, `&&`, `||`, `|`, `&`), then into words. */
function simpleCommands(commandLine: string): string[][] {
  return commandLine
    .split(/&&|\|\||[;|&\n]/)
    .map((part) => part.trim().split(/\s+/).filter(Boolean).map((word) => word.replace(/^['"]|['"]$/g, '')))
    .filter((words) => words.length > 0);
}

function startsPython(words: readonly string[], knownInterpreters: ReadonlySet<string>): boolean {
  let i = 0;
  // FOO=1 BAR=2 sudo -E env timeout 600 python … (a prefix's options and numbers are skipped)
  while (i < words.length && (/^\w+=/.test(words[i]) || PREFIXES.has(words[i]) || (i > 0 && PREFIXES.has(words[i - 1]) && /^(-|\d)/.test(words[i])))) i++;
  const program = words[i];
  if (program === undefined) return false;
  const name = path.basename(program);
  if (isPythonExecutable(program, knownInterpreters) || PYTHON_TOOLS.test(name)) return true;
  if (name.endsWith('.py') || name.endsWith('.pyw')) return true; // ./train.py with a shebang
  if (RUNNERS.has(name)) return words.slice(i + 1).some((word) => word === 'run' || word === 'exec' || word === 'python' || !word.startsWith('-'));
  return false;
}

/**
 * True when the command line may start a Python process: a Python interpreter or tool, a `.py`
 * script, an environment manager's `run`, in any of its simple commands. An empty command line
 * (shell integration could not tell) counts as maybe.
 */
export function mayStartPython(commandLine: string, knownInterpreters: ReadonlySet<string> = new Set()): boolean {
  if (commandLine.trim() === '') return true;
  return simpleCommands(commandLine).some((words) => startsPython(words, knownInterpreters));
}
