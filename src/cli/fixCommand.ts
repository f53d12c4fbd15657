import { readFile, writeFile } from 'node:fs/promises';
import { DEFAULT_FIX_KIND, FIXES, FIX_KINDS, isFixKind } from '../core/causes';
import { FixNotApplicableError, fixAtLine } from '../python/fixCatalogue';
import { PythonSource } from '../python/pythonSource';
import type { FixPlacement } from '../python/releaseEdits';
import { applyEdits } from '../python/textEdits';
import { UsageError, parseArgs, positiveNumber } from './args';
import type { CliIo } from './io';

// The kinds and what each does come from the registry, so a new fix kind is listed here by itself.
const KIND_LINES = FIX_KINDS.map((kind) => `  ${kind.padEnd(9)} ${FIXES[kind].edit}${kind === DEFAULT_FIX_KIND ? ' (default)' : ''}`).join('\n');

export const FIX_HELP = `Usage: kernel-memory-watch fix FILE.py --line N [--kind ${FIX_KINDS.join('|')}] [--every N | --after-loop] [--in-place]

Applies the edit the VS Code quick fix would apply to the innermost loop at line N (1-based):
${KIND_LINES}
--every N runs the release every N iterations (the loop's range/enumerate index, or a counter);
--after-loop once after the loop. Prints the new file, or writes it with --in-place.
Exit: 0 done (or the fix was already there: the file is unchanged), 2 bad options, unreadable
file, line N in no loop, or a kind that does not apply.
`;

const KIND_LIST = `${FIX_KINDS.slice(0, -1).join(', ')} or ${FIX_KINDS[FIX_KINDS.length - 1]}`;

export async function runFixCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { '--line': 'value', '--kind': 'value', '--every': 'value', '--after-loop': 'flag', '--in-place': 'flag', '--help': 'flag' });
  if (parsed.options.has('--help')) {
    io.stdout(FIX_HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1) throw new UsageError('fix takes exactly one Python file');
  const line = positiveNumber(parsed.options, '--line', 1, Number.MAX_SAFE_INTEGER);
  if (line === undefined || !Number.isInteger(line)) throw new UsageError('fix needs --line N (a whole number from 1)');
  const kind = parsed.options.get('--kind') ?? DEFAULT_FIX_KIND;
  if (!isFixKind(kind)) throw new UsageError(`--kind must be ${KIND_LIST} (got "${String(kind)}")`);
  const every = positiveNumber(parsed.options, '--every', 1, 1_000_000_000);
  if (every !== undefined && parsed.options.has('--after-loop')) throw new UsageError('--every and --after-loop exclude each other');
  if (every !== undefined && !Number.isInteger(every)) throw new UsageError('--every must be a whole number');
  const placement: FixPlacement = every !== undefined ? { kind: 'every', n: every } : parsed.options.has('--after-loop') ? { kind: 'after' } : { kind: 'each' };
  const file = parsed.positionals[0];
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    io.stderr(`kernel-memory-watch fix: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 2;
  }
  let result: ReturnType<typeof fixAtLine>;
  try {
    result = fixAtLine(PythonSource.parse(source), line, kind, placement);
  } catch (error) {
    if (error instanceof FixNotApplicableError) {
      io.stderr(`kernel-memory-watch fix: ${file}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const fixed = applyEdits(source, result.edits);
  if (result.alreadyThere) io.stderr(`kernel-memory-watch fix: ${file}:${line}: the fix is already there; nothing changed\n`);
  if (parsed.options.has('--in-place')) {
    if (fixed !== source) await writeFile(file, fixed, 'utf8');
  } else {
    io.stdout(fixed);
  }
  return 0;
}
