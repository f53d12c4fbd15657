// A small, strict option parser: unknown options and missing values are errors, never ignored.
import { parseByteSize } from '../core/byteSize';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  readonly [name: string]: 'flag' | 'value';
}

export interface ParsedArgs {
  readonly options: Map<string, string | true>;
  readonly positionals: string[];
  /** Everything after `--`, untouched. */
  readonly rest: string[] | undefined;
}

export function parseArgs(args: readonly string[], spec: OptionSpec): ParsedArgs {
  const options = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return { options, positionals, rest: args.slice(i + 1) };
    if (arg.startsWith('--') || (arg.startsWith('-') && arg.length === 2 && arg !== '-')) {
      const [rawName, inlineValue] = arg.split(/=(.*)/s, 2);
      const name = rawName === '-h' ? '--help' : rawName;
      const kind = spec[name];
      if (!kind) throw new UsageError(`unknown option ${rawName}`);
      if (kind === 'flag') {
        if (inlineValue !== undefined) throw new UsageError(`${name} takes no value`);
        options.set(name, true);
      } else {
        const value = inlineValue ?? args[++i];
        if (value === undefined || (inlineValue === undefined && value.startsWith('--'))) throw new UsageError(`${name} needs a value`);
        options.set(name, value);
      }
      continue;
    }
    positionals.push(arg);
  }
  return { options, positionals, rest: undefined };
}

export function positiveNumber(options: Map<string, string | true>, name: string, min: number, max: number): number | undefined {
  const raw = options.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${name} must be a number from ${min} to ${max} (got "${String(raw)}")`);
  }
  return value;
}

/** Bytes as a plain integer or with a unit: 12884901888, 12G, 512MiB, 1.5GB (binary multiples). */
export function parseBytes(raw: string, name: string): number {
  const size = parseByteSize(raw, name);
  if (size.problem !== undefined) throw new UsageError(size.problem);
  return size.bytes;
}
