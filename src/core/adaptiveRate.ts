// How often to sample one process. A kernel sits idle for hours between cells, and each
// sampling wake-up costs the host more than the reads it makes (≈350 µs of CPU for an empty
// timer callback here), so a process whose memory stayed within a small band for a minute is
// sampled at 1 Hz; any move beyond the band, or a cell or terminal command starting (`wake`),
// brings it back to the configured rate at once. Pure: the caller passes the time.

export interface AdaptiveRateOptions {
  /** The configured interval (the setting, 250 ms by default). */
  readonly fastIntervalMs: number;
  /** The interval of a quiet process (default 1 s; never faster than the configured one). */
  readonly idleIntervalMs?: number;
  /** How long memory must stay within the band before the rate drops (default 60 s). */
  readonly quietMs?: number;
}

const MIB = 1024 * 1024;

/**
 * The band a process must stay within to count as quiet: 1 % of its level, at least 1 MiB (an
 * idle interpreter's statm moves by a few pages) and at most 16 MiB, the least growth the
 * detector ever alarms on, so no growth that matters happens while the rate is low.
 */
export function quietBandBytes(levelBytes: number): number {
  return Math.min(16 * MIB, Math.max(MIB, 0.01 * levelBytes));
}

export class AdaptiveRate {
  readonly fastIntervalMs: number;
  readonly idleIntervalMs: number;
  private readonly quietMs: number;
  private quietSince: number | undefined;
  private low = 0;
  private high = 0;
  private last = 0;
  private isIdle = false;

  constructor(options: AdaptiveRateOptions) {
    this.fastIntervalMs = options.fastIntervalMs;
    this.idleIntervalMs = Math.max(options.fastIntervalMs, options.idleIntervalMs ?? 1000);
    this.quietMs = options.quietMs ?? 60_000;
  }

  /** One sample (ms, bytes); returns the interval to the next one. */
  observe(tMs: number, bytes: number): number {
    this.last = bytes;
    const low = Math.min(this.low, bytes);
    const high = Math.max(this.high, bytes);
    if (this.quietSince === undefined || high - low > quietBandBytes(low)) {
      this.restart(tMs, bytes);
    } else {
      this.low = low;
      this.high = high;
      this.isIdle = tMs - this.quietSince >= this.quietMs;
    }
    return this.intervalMs;
  }

  /** Something is about to happen (a cell, a terminal command): the configured rate, at once. */
  wake(tMs: number): void {
    this.restart(tMs, this.last);
  }

  get idle(): boolean {
    return this.isIdle;
  }

  get intervalMs(): number {
    return this.isIdle ? this.idleIntervalMs : this.fastIntervalMs;
  }

  private restart(tMs: number, bytes: number): void {
    this.quietSince = tMs;
    this.low = bytes;
    this.high = bytes;
    this.isIdle = false;
  }
}
