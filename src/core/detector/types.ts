/** What the detector answers: the pattern, the alarm and the figures behind them. */
export type Pattern = 'flat' | 'sawtooth-ratchet' | 'staircase' | 'steady-growth';

export interface Forecast {
  /** The ceiling used, or null when none is known (a recorded trace without `--limit`). */
  readonly limitBytes: number | null;
  /** Seconds from the last sample until the peaks reach the limit at the trough slope; null when not growing. */
  readonly secondsToLimit: number | null;
  /** The same as a trace time (seconds). */
  readonly reachesLimitAt: number | null;
}

export interface Verdict {
  readonly pattern: Pattern;
  readonly alarm: boolean;
  /** Trace time (s) of the first sample at which the alarm was raised, or null. */
  readonly firstAlarmAt: number | null;
  /** Theil–Sen slope of the troughs over the time scale that decided (bytes/s). */
  readonly troughSlopeBytesPerSec: number;
  /** Rise-and-drop cycles in that window. */
  readonly teeth: number;
  /** Floor now minus the floor at the start of the growth (bytes); 0 when flat. */
  readonly growthBytes: number;
  readonly baselineBytes: number | null;
  readonly peakBytes: number;
  readonly lastBytes: number;
  readonly samples: number;
  readonly startTime: number | null;
  readonly lastTime: number | null;
  /** The pattern while the alarm was last raised (it stays after the alarm clears); null if it never was. */
  readonly lastAlarmPattern: Pattern | null;
  /** The window (s) of the time scale the verdict comes from; null when flat. */
  readonly timescaleSec: number | null;
  readonly forecast: Forecast;
}

export interface DetectorOptions {
  /** Ceiling for the forecast (bytes); may be changed later with `setLimit`. */
  readonly limitBytes?: number | null;
  /**
   * When the watched process started, on the clock of `push`'s times (s). By default its first
   * sample: a process watched from its launch. A caller that attaches to an older process passes
   * its start (or -Infinity), so its first seconds of watching are not taken for its start-up.
   */
  readonly processStartTime?: number;
}
