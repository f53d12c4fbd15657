import { UsageError } from './args';
import { ANALYZE_HELP, runAnalyzeCommand } from './analyzeCommand';
import { FIX_HELP, runFixCommand } from './fixCommand';
import { processIo, type CliIo } from './io';
import { runRunCommand, runWatchCommand } from './monitorCommand';
import { RUN_HELP, WATCH_HELP } from './monitorHelp';

const MAIN_HELP = `Usage: kernel-memory-watch <command> [options]

Watches the memory of Python processes, recognises why it grows, and says what fixes it.

Commands:
  analyze FILE.csv   run the detector on a recorded trace (t,rss)
  run -- COMMAND     start a command and watch its process tree until it exits
  watch --pid PID    watch a running process and its children
  watch --server URL watch every kernel of a Jupyter Server (token from $JUPYTER_TOKEN)
  fix FILE.py        insert gc.collect() / a guarded malloc_trim / display() at a line

Run 'kernel-memory-watch <command> --help' for a command's options.
`;

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  analyze: { run: runAnalyzeCommand, help: ANALYZE_HELP },
  run: { run: runRunCommand, help: RUN_HELP },
  watch: { run: runWatchCommand, help: WATCH_HELP },
  fix: { run: runFixCommand, help: FIX_HELP },
};

export function registerCommand(name: string, run: Command, help: string): void {
  COMMANDS[name] = { run, help };
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(MAIN_HELP);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`kernel-memory-watch: unknown command "${name}"\n\n${MAIN_HELP}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`kernel-memory-watch ${name}: ${error.message}\n\n${command.help}`);
      return 2;
    }
    io.stderr(`kernel-memory-watch ${name}: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
