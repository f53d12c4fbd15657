// The help texts of `run` and `watch` (monitorCommand.ts), apart from the code that runs them.

import { SERVER_WATCH_OPTIONS, SERVER_WATCH_USAGE } from './serverWatchCommand';

const COMMON_OPTIONS = `  --interval MS      sampling interval in milliseconds (default 250, 20 to 60000)
  --record FILE.csv  write the trace (t,rss) as it is sampled; 'analyze' reads it back
                     (rss: the figure the detector follows, the tree's PSS when it has children)
  --json             print the verdict as one JSON object on stdout (run: the command's own
                     stdout then goes to stderr, so stdout holds only the JSON)
  --fail-on-alarm    exit 3 when the detector alarmed at any time
  --limit BYTES      memory limit for the forecast (default: the cgroup's, else RAM)`;

export const RUN_HELP = `Usage: kernel-memory-watch run [options] -- COMMAND [ARGS...]

Starts COMMAND, samples the memory of its process tree until it exits, and prints the verdict.
A process alone is measured by its RSS; a tree with children by its PSS (pages shared after
fork counted once, from /proc/PID/smaps_rollup), by summed RSS where that is missing.
A live line (RSS, trend, pattern) is drawn on stderr when stderr is a terminal.

Options:
${COMMON_OPTIONS}
Exit: the command's exit code (128+signal if it was killed), 3 with --fail-on-alarm when it
alarmed, 2 for bad options, 127 when the command cannot be started.
`;

export const WATCH_HELP = `Usage: kernel-memory-watch watch --pid PID [options]
${SERVER_WATCH_USAGE}

Samples a running process and its children until it exits or Ctrl-C, then prints the verdict.

Options:
  --pid PID          the process to watch
${COMMON_OPTIONS}

${SERVER_WATCH_OPTIONS}
Exit: 0, 3 with --fail-on-alarm when it (any kernel) alarmed, 2 for bad options or an unknown PID;
with --server also 2 for a malformed URL, an unreachable server, an untrusted certificate or a
refused token (HTTP 403).
`;
