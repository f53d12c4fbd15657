// `watch --server URL`: every kernel of a Jupyter Server, each through its own detector, until
// the server goes, --duration is over or Ctrl-C; then one verdict per kernel.

import { BucketedFeed } from '../core/detector/bucketedFeed';
import { formatBytes, trendArrow } from '../core/format';
import { RemoteServerError } from '../remote/serverConnection';
import { ServerUrlError, parseServerUrl } from '../remote/serverUrl';
import { JupyterServerSource, type RemoteKernelView } from '../remote/jupyterServerSource';
import { assessRemoteDeath } from '../remote/remotePostMortem';
import { UsageError, parseBytes, positiveNumber, type OptionSpec } from './args';
import type { CliIo } from './io';
import { verdictJson, verdictText } from './report';

export const SERVER_WATCH_USAGE = `       kernel-memory-watch watch --server URL [--token-env NAME] [--interval MS] [--duration S]
                                 [--json] [--fail-on-alarm] [--limit BYTES] [--no-verify-certificate]`;

/** The options only `watch --server` takes (the parser's spec; each is refused without --server). */
export const SERVER_WATCH_SPEC: OptionSpec = { '--server': 'value', '--token-env': 'value', '--duration': 'value', '--no-verify-certificate': 'flag' };

export const SERVER_WATCH_OPTIONS = `With --server, every kernel of a Jupyter Server (also a JupyterHub single-user server such as
https://hub.example.org/user/NAME/), sampled with usage_request (ipykernel >= 6.11 with psutil),
until the server goes away, --duration is over or Ctrl-C; then one verdict per kernel, labelled
with its notebook. With --json, stdout holds one JSON array: the verdict objects plus kernelId,
notebook, server.
  --server URL       the server's base URL (no token in it)
  --token-env NAME   environment variable holding the token (default JUPYTER_TOKEN); never argv
  --interval MS      between two usage requests to a kernel (default 1000, 100 to 60000)
  --duration S       stop after S seconds (default: until the server goes or Ctrl-C)
  --no-verify-certificate
                     do not check this server's https certificate (a self-signed one you
                     trust); only this server's connections, never the process's`;

export interface ServerWatchOptions {
  readonly url: string;
  readonly tokenEnv: string;
  readonly intervalMs: number;
  readonly durationSec: number | undefined;
  readonly json: boolean;
  readonly failOnAlarm: boolean;
  readonly limitOverride: number | undefined;
  readonly verifyCertificate: boolean;
}

/** The options of `watch --server`, checked. Throws UsageError. */
export function serverWatchOptions(options: Map<string, string | true>): ServerWatchOptions {
  const url = options.get('--server');
  if (typeof url !== 'string' || url.trim() === '') throw new UsageError('--server needs the server URL');
  if (options.has('--pid')) throw new UsageError('use either --pid PID or --server URL, not both');
  if (options.has('--record')) throw new UsageError('--record writes one process trace; with --server use --json');
  const tokenEnv = options.get('--token-env') ?? 'JUPYTER_TOKEN';
  if (typeof tokenEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv)) {
    throw new UsageError('--token-env takes the name of an environment variable (the token itself never goes on the command line)');
  }
  const limitRaw = options.get('--limit');
  return {
    url,
    tokenEnv,
    intervalMs: positiveNumber(options, '--interval', 100, 60000) ?? 1000,
    durationSec: positiveNumber(options, '--duration', 1, 7 * 24 * 3600),
    json: options.has('--json'),
    failOnAlarm: options.has('--fail-on-alarm'),
    limitOverride: typeof limitRaw === 'string' ? parseBytes(limitRaw, '--limit') : undefined,
    verifyCertificate: !options.has('--no-verify-certificate'),
  };
}

interface KernelTrace {
  readonly detector: BucketedFeed;
  origin: string | undefined;
}

export async function runServerWatch(options: ServerWatchOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    parseServerUrl(options.url);
  } catch (error) {
    if (error instanceof ServerUrlError) return fail(io, error.message);
    throw error;
  }
  const token = env[options.tokenEnv] ?? '';
  const restoreConsole = muteLibraryConsole();
  try {
    let source: JupyterServerSource;
    try {
      source = await JupyterServerSource.connect({ url: options.url, token, intervalMs: options.intervalMs, limitOverrideBytes: options.limitOverride, verifyCertificate: options.verifyCertificate });
    } catch (error) {
      if (error instanceof RemoteServerError) {
        const hint =
          error.kind === 'refused-token' ? ` (the token is read from $${options.tokenEnv}, which is ${token ? 'set' : 'not set'})`
          : error.kind === 'certificate' ? '; if you trust this server, pass --no-verify-certificate'
          : '';
        return fail(io, error.message + hint);
      }
      if (error instanceof ServerUrlError) return fail(io, error.message);
      throw error;
    }
    return await watchUntilEnd(source, options, io);
  } finally {
    restoreConsole();
  }
}

async function watchUntilEnd(source: JupyterServerSource, options: ServerWatchOptions, io: CliIo): Promise<number> {
  const startMs = Date.now();
  const traces = new Map<string, KernelTrace>();
  const seen = new Map<string, RemoteKernelView>(); // every kernel met, also those that ended
  const remember = (kernels: readonly RemoteKernelView[]): void => kernels.forEach((kernel) => seen.set(kernel.key, kernel));
  remember(source.kernels());
  const live = new LiveLines(io);
  source.onDidChangeKernels(remember);
  // A kernel the server says died: the post-mortem at once on stderr, the last one in the verdict.
  const postMortems = new Map<string, string>();
  source.onKernelDied((death) => {
    const { message } = assessRemoteDeath(death);
    postMortems.set(death.key, message);
    live.clear();
    io.stderr(`kernel-memory-watch: ${message}\n`);
  });
  source.onSample((sample) => {
    let trace = traces.get(sample.processKey);
    if (!trace) traces.set(sample.processKey, (trace = { detector: new BucketedFeed(), origin: undefined }));
    const view = source.kernel(sample.kernelId);
    if (view?.limit) trace.detector.setLimit(view.limit.bytes);
    trace.origin = sample.origin;
    trace.detector.push((sample.t - startMs) / 1000, sample.memoryBytes);
    live.draw(source.kernels(), traces, sample.t);
  });
  let goneReason: string | undefined;
  let cleanup = (): void => {};
  const ended = new Promise<void>((resolve) => {
    source.onServerGone((reason) => {
      goneReason = reason;
      resolve();
    });
    if (options.durationSec !== undefined) setTimeout(resolve, options.durationSec * 1000).unref();
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    // kept so that the handlers can be removed (the CLI also runs inside tests)
    cleanup = () => {
      process.off('SIGINT', resolve);
      process.off('SIGTERM', resolve);
    };
  });
  await ended;
  cleanup();
  remember(source.kernels());
  source.dispose();
  live.clear();
  if (goneReason) io.stderr(`kernel-memory-watch: ${goneReason}\n`);

  let alarmed = false;
  const results: Array<Record<string, unknown>> = [];
  let text = '';
  for (const kernel of seen.values()) {
    const trace = traces.get(kernel.key);
    trace?.detector.flush();
    const verdict = (trace?.detector ?? new BucketedFeed()).verdict();
    if (verdict.firstAlarmAt !== null) alarmed = true;
    const limit = kernel.limit ?? null;
    results.push(
      verdictJson(verdict, limit, {
        kernelId: kernel.kernelId,
        notebook: kernel.notebook ?? null,
        server: kernel.server,
        label: kernel.label,
        pid: kernel.pid ?? null,
        restarts: kernel.restarts,
        origin: trace?.origin ?? null,
        state: kernel.state,
        reason: trace ? null : kernel.reason ?? null,
        postMortem: postMortems.get(kernel.key) ?? null,
      }),
    );
    text += `${kernel.label} (kernel ${kernel.kernelId.slice(0, 8)} on ${kernel.server}${kernel.restarts > 0 ? `, restarted ${kernel.restarts}×` : ''}):\n`;
    text += trace ? verdictText(verdict, limit) : `  no samples: ${kernel.reason ?? 'the kernel did not answer'}\n`;
    const postMortem = postMortems.get(kernel.key);
    if (postMortem) text += `  ${postMortem}\n`;
  }
  if (options.json) io.stdout(JSON.stringify(results) + '\n');
  else io.stderr(seen.size === 0 ? `no kernels were running on ${source.address.display}\n` : text);
  return options.failOnAlarm && alarmed ? 3 : 0;
}

/** One live line per kernel on a terminal, redrawn in place at most every 500 ms. */
class LiveLines {
  private drawn = 0;
  private lastAt = 0;

  constructor(private readonly io: CliIo) {}

  draw(kernels: readonly RemoteKernelView[], traces: ReadonlyMap<string, KernelTrace>, t: number): void {
    if (!this.io.stderrIsTty || t - this.lastAt < 500) return;
    this.lastAt = t;
    let out = this.drawn > 0 ? `\x1b[${this.drawn}A\r` : '';
    for (const kernel of kernels) {
      const verdict = traces.get(kernel.key)?.detector.verdict();
      const figures = verdict ? `${formatBytes(kernel.lastBytes)} ${trendArrow(verdict)} ${verdict.pattern}${verdict.alarm ? ' ALARM' : ''}` : kernel.state;
      out += `\x1b[K[kernel-memory-watch] ${kernel.label}: ${figures}${kernel.reason ? ` (${kernel.reason})` : ''}\n`;
    }
    // kernels that went away leave lines behind: blank them
    for (let i = kernels.length; i < this.drawn; i++) out += '\x1b[K\n';
    this.io.stderr(out);
    this.drawn = Math.max(kernels.length, this.drawn);
  }

  clear(): void {
    if (!this.io.stderrIsTty || this.drawn === 0) return;
    this.io.stderr(`\x1b[${this.drawn}A\r\x1b[J`);
    this.drawn = 0;
  }
}

function fail(io: CliIo, message: string): number {
  io.stderr(`kernel-memory-watch: ${message}\n`);
  return 2;
}

/**
 * @jupyterlab/services writes "Starting WebSocket: …" with console.debug (stdout in Node) on each
 * connect, reconnect notices with console.warn, and a server's Python traceback with
 * console.error on an HTTP 500 (jupyter_server 1.23 answers one when a listing races a kernel's
 * start): with --json stdout must hold only the JSON, and failures get our own plain messages.
 */
function muteLibraryConsole(): () => void {
  const saved = { debug: console.debug, log: console.log, info: console.info, warn: console.warn, error: console.error };
  const quiet = (): void => {};
  Object.assign(console, { debug: quiet, log: quiet, info: quiet, warn: quiet, error: quiet });
  return () => Object.assign(console, saved);
}
