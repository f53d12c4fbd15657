import { readFile } from 'node:fs/promises';
import { GrowthDetector } from '../core/detector/growthDetector';
import type { MemoryLimit } from '../core/limits';
import { TraceFormatError, iterateTrace } from '../core/trace';
import { UsageError, parseArgs, parseBytes } from './args';
import type { CliIo } from './io';
import { verdictJson, verdictText } from './report';

export const ANALYZE_HELP = `Usage: kernel-memory-watch analyze FILE.csv [--json] [--limit BYTES]

Feeds a recorded trace to the detector sample by sample and prints the final verdict.
The trace is CSV with a header row naming the columns t (seconds) and rss (bytes);
other columns are ignored. 'run --record' and the panel's export write this format.

Options:
  --json          one JSON object on stdout
  --limit BYTES   memory limit for the forecast (12884901888, 12G, 512M)
Exit: 0 analysed (alarm or not), 2 unreadable or malformed file, bad options.
`;

export async function runAnalyzeCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { '--json': 'flag', '--limit': 'value', '--help': 'flag' });
  if (parsed.options.has('--help')) {
    io.stdout(ANALYZE_HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1) throw new UsageError('analyze takes exactly one trace file');
  const file = parsed.positionals[0];
  const limitRaw = parsed.options.get('--limit');
  const limit: MemoryLimit | null = typeof limitRaw === 'string' ? { bytes: parseBytes(limitRaw, '--limit'), source: 'override' } : null;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    io.stderr(`kernel-memory-watch: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 2;
  }
  const detector = new GrowthDetector({ limitBytes: limit?.bytes ?? null });
  try {
    let samples = 0;
    for (const point of iterateTrace(text)) {
      detector.push(point.t, point.rss);
      samples++;
    }
    if (samples === 0) throw new TraceFormatError('the trace has a header but no samples', 2);
  } catch (error) {
    if (error instanceof TraceFormatError) {
      io.stderr(`kernel-memory-watch: ${file}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const verdict = detector.verdict();
  io.stdout(parsed.options.has('--json') ? JSON.stringify(verdictJson(verdict, limit, { file })) + '\n' : verdictText(verdict, limit));
  return 0;
}
