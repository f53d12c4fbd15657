// `run -- COMMAND` and `watch --pid PID`: one process tree sampled into a detector until it ends,
// a live line on a terminal, then the verdict. The help texts are in monitorHelp.ts.

import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { BucketedFeed } from '../core/detector/bucketedFeed';
import { formatBytes, measureLabel, trendArrow } from '../core/format';
import { readMemoryLimit, type MemoryLimit } from '../core/limits';
import { ProcessNotFoundError, ProcessTreeSampler, type TreeSample } from '../core/sampler';
import { TRACE_HEADER, formatTraceLine } from '../core/trace';
import { UsageError, parseArgs, parseBytes, positiveNumber } from './args';
import type { CliIo } from './io';
import { RUN_HELP, WATCH_HELP } from './monitorHelp';
import { verdictJson, verdictText } from './report';
import { SERVER_WATCH_SPEC, runServerWatch, serverWatchOptions } from './serverWatchCommand';

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };

interface MonitorOptions {
  readonly intervalMs: number;
  readonly record: string | undefined;
  readonly json: boolean;
  readonly failOnAlarm: boolean;
  readonly limitOverride: number | undefined;
}

function monitorOptions(options: Map<string, string | true>): MonitorOptions {
  const limitRaw = options.get('--limit');
  const record = options.get('--record');
  return {
    intervalMs: positiveNumber(options, '--interval', 20, 60000) ?? 250,
    record: typeof record === 'string' ? record : undefined,
    json: options.has('--json'),
    failOnAlarm: options.has('--fail-on-alarm'),
    limitOverride: typeof limitRaw === 'string' ? parseBytes(limitRaw, '--limit') : undefined,
  };
}

const SPEC = {
  '--interval': 'value',
  '--record': 'value',
  '--json': 'flag',
  '--fail-on-alarm': 'flag',
  '--limit': 'value',
  '--help': 'flag',
} as const;

/** Samples one process tree into a detector (and a trace file), until `finished` resolves. */
class Monitor {
  detector = new BucketedFeed();
  readonly sampler: ProcessTreeSampler;
  private recordStream: WriteStream | undefined;
  private startMs = 0;
  private limit: MemoryLimit | null = null;
  private lastLiveLine = 0;
  private liveLineShown = false;
  /** The forwarded output ended mid-line: a live line drawn now would overwrite that line's start. */
  private forwardedMidLine = false;
  private maxChildren = 0;
  /** `pss` once any sample counted the tree's shared pages once; the last sample's summed RSS. */
  private measure: TreeSample['measure'] = 'rss';
  private measureNote: string | null = null;
  private rssBytes: number | null = null;
  private peakRssBytes: number | null = null;

  constructor(
    private readonly options: MonitorOptions,
    private readonly io: CliIo,
  ) {
    this.sampler = new ProcessTreeSampler({ intervalMs: options.intervalMs });
  }

  async openRecord(): Promise<void> {
    if (!this.options.record) return;
    const stream = createWriteStream(this.options.record);
    await Promise.race([
      once(stream, 'open'),
      once(stream, 'error').then(([error]) => {
        throw new UsageError(`cannot write ${this.options.record}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }),
    ]);
    stream.write(TRACE_HEADER);
    this.recordStream = stream;
  }

  async begin(pid: number, label: string, startMs: number): Promise<void> {
    this.startMs = startMs;
    this.limit = readMemoryLimit(pid, { overrideBytes: this.options.limitOverride });
    this.sampler.onSample((sample) => this.onSample(sample));
    const tree = await this.sampler.watch(pid, label);
    // A process watched long after its start (watch --pid) has no start-up left to exempt.
    const processStartTime = tree.startedAtMs === undefined ? undefined : (tree.startedAtMs - startMs) / 1000;
    this.detector = new BucketedFeed({ limitBytes: this.limit.bytes, processStartTime });
    await this.sampler.tick(); // the first sample at once, not one interval later
    this.sampler.start();
  }

  /** Resolves when the watched tree is gone (exited, or its PID was reused). */
  ended(): Promise<void> {
    return new Promise((resolve) => {
      this.sampler.onExit(() => resolve());
    });
  }

  /** Stops without a verdict (the command never started). */
  async abort(): Promise<void> {
    this.sampler.dispose();
    if (this.recordStream) {
      this.recordStream.end();
      await once(this.recordStream, 'finish');
    }
  }

  /** Forwards the command's own output to stderr, wiping the live line first so the two never mix on a terminal. */
  forward(data: Buffer): void {
    if (this.liveLineShown) {
      this.io.stderr('\r\x1b[K');
      this.liveLineShown = false;
    }
    if (this.io.stderrBytes) this.io.stderrBytes(data);
    else this.io.stderr(data.toString());
    if (data.length > 0) this.forwardedMidLine = data[data.length - 1] !== 0x0a;
  }

  async finish(extra: Record<string, unknown>): Promise<boolean> {
    this.sampler.dispose();
    if (this.liveLineShown) this.io.stderr('\r\x1b[K');
    else if (this.io.stderrIsTty && this.forwardedMidLine) this.io.stderr('\n'); // the verdict starts on its own line
    if (this.recordStream) {
      this.recordStream.end();
      await once(this.recordStream, 'finish');
    }
    this.detector.flush();
    const verdict = this.detector.verdict();
    if (this.options.json) {
      const measure = { measure: this.measure, measureNote: this.measureNote, rssBytes: this.rssBytes, peakRssBytes: this.peakRssBytes };
      this.io.stdout(JSON.stringify(verdictJson(verdict, this.limit, { ...measure, ...extra, maxChildren: this.maxChildren })) + '\n');
    } else {
      this.io.stderr(verdictText(verdict, this.limit) + this.measureLine());
    }
    return verdict.firstAlarmAt !== null;
  }

  /** Which measure the figures above are, when the tree had children. */
  private measureLine(): string {
    if (this.measure === 'pss') return `  figures: PSS of the tree (shared pages counted once); summed RSS ${formatBytes(this.rssBytes ?? 0)} at the end, peak ${formatBytes(this.peakRssBytes ?? 0)}\n`;
    return this.measureNote ? `  figures: ${this.measureNote}\n` : '';
  }

  private onSample(sample: TreeSample): void {
    const t = (sample.t - this.startMs) / 1000;
    this.detector.push(t, sample.memoryBytes);
    this.maxChildren = Math.max(this.maxChildren, sample.children.length);
    if (sample.measure === 'pss') this.measure = 'pss';
    if (sample.measureNote) this.measureNote = sample.measureNote;
    this.rssBytes = sample.rssBytes;
    this.peakRssBytes = Math.max(this.peakRssBytes ?? 0, sample.rssBytes);
    this.recordStream?.write(formatTraceLine(t, sample.memoryBytes));
    if (this.io.stderrIsTty && !this.forwardedMidLine && sample.t - this.lastLiveLine >= 250) {
      this.lastLiveLine = sample.t;
      this.liveLineShown = true;
      const verdict = this.detector.verdict();
      const children = sample.children.length > 0 ? ` (${sample.children.length} children)` : '';
      this.io.stderr(
        `\r\x1b[K[kernel-memory-watch] ${formatBytes(sample.memoryBytes)} ${measureLabel(sample.measure)} ${trendArrow(verdict)} ${verdict.pattern}` +
          `${verdict.alarm ? ' ALARM' : ''}${children}  peak ${formatBytes(verdict.peakBytes)}  t=${t.toFixed(1)}s`,
      );
    }
  }
}

export async function runRunCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, SPEC);
  if (parsed.options.has('--help')) {
    io.stdout(RUN_HELP);
    return 0;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`put the command after "--": run [options] -- ${parsed.positionals.join(' ')}`);
  const command = parsed.rest ?? [];
  if (command.length === 0) throw new UsageError('run needs a command after "--"');
  const options = monitorOptions(parsed.options);
  const monitor = new Monitor(options, io);
  await monitor.openRecord();

  const startMs = Date.now();
  // With --json, stdout carries exactly one JSON document: the command's own stdout is forwarded to
  // stderr, chunk by chunk as it arrives, bytes unchanged (partial lines and binary output included).
  const child = spawn(command[0], command.slice(1), { stdio: ['inherit', options.json ? 'pipe' : 'inherit', 'inherit'] });
  const forwarded = child.stdout ? forwardToStderr(child.stdout, (data) => monitor.forward(data)) : Promise.resolve();
  const spawned = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (error) => resolve(error));
  });
  if (spawned) {
    await monitor.abort();
    io.stderr(`kernel-memory-watch: cannot start ${command[0]}: ${spawned.code ?? spawned.message}\n`);
    return spawned.code === 'EACCES' ? 126 : 127;
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  // Ctrl-C reaches the child through the terminal; we wait for it to end and report.
  const ignoreSignal = (): void => {};
  process.on('SIGINT', ignoreSignal);
  process.on('SIGTERM', ignoreSignal);
  try {
    await monitor.begin(child.pid!, command.join(' '), startMs);
  } catch (error) {
    if (!(error instanceof ProcessNotFoundError)) throw error; // exited before the first sample
  }
  const { code, signal } = await exited;
  await Promise.race([forwarded, new Promise((resolve) => setTimeout(resolve, PIPE_DRAIN_CAP_MS).unref())]);
  child.stdout?.destroy();
  process.off('SIGINT', ignoreSignal);
  process.off('SIGTERM', ignoreSignal);
  const exitCode = code ?? 128 + (signal ? SIGNAL_NUMBERS[signal] ?? 1 : 1);
  const alarmed = await monitor.finish({ command, exitCode, signal });
  return options.failOnAlarm && alarmed ? 3 : exitCode;
}

export async function runWatchCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { ...SPEC, '--pid': 'value', ...SERVER_WATCH_SPEC });
  if (parsed.options.has('--help')) {
    io.stdout(WATCH_HELP);
    return 0;
  }
  if (parsed.positionals.length > 0 || parsed.rest) throw new UsageError('watch takes no command: use --pid PID or --server URL');
  if (parsed.options.has('--server')) return runServerWatch(serverWatchOptions(parsed.options), io);
  for (const serverOnly of Object.keys(SERVER_WATCH_SPEC)) {
    if (parsed.options.has(serverOnly)) throw new UsageError(`${serverOnly} goes with --server URL`);
  }
  const pidRaw = parsed.options.get('--pid');
  if (typeof pidRaw !== 'string') throw new UsageError('watch needs --pid PID or --server URL');
  const pid = Number(pidRaw);
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new UsageError(`--pid must be a process ID (got "${pidRaw}")`);
  const options = monitorOptions(parsed.options);
  const monitor = new Monitor(options, io);
  // Check the PID before creating the record file, so a typo leaves nothing behind.
  if (!(await monitor.sampler.reader.identity(pid))) {
    monitor.sampler.dispose();
    io.stderr(`kernel-memory-watch: ${new ProcessNotFoundError(pid).message}\n`);
    return 2;
  }
  await monitor.openRecord();
  try {
    await monitor.begin(pid, `PID ${pid}`, Date.now());
  } catch (error) {
    if (error instanceof ProcessNotFoundError) {
      await monitor.abort();
      io.stderr(`kernel-memory-watch: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await Promise.race([monitor.ended(), interrupted]);
  const alarmed = await monitor.finish({ pid });
  return options.failOnAlarm && alarmed ? 3 : 0;
}

/** How long the command's stdout may stay open after it exited (a process it left behind holds it). */
const PIPE_DRAIN_CAP_MS = 2000;

/**
 * Forwards the command's stdout to stderr and resolves once the stream ended: what the command wrote
 * before it exited is already in the pipe, so this comes moments after the exit.
 */
function forwardToStderr(stream: Readable, write: (data: Buffer) => void): Promise<void> {
  stream.on('data', write);
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('error', () => resolve());
  });
}
