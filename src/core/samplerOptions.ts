// How a ProcessTreeSampler (sampler.ts) is configured: its cadences, and the reader it uses
// unless given one.

import type { AdaptiveRateOptions } from './adaptiveRate';
import { PidusageReader } from './pidusageReader';
import type { ProcessReader } from './processReader';
import { ProcfsReader } from './procfsReader';

export interface SamplerOptions {
  readonly reader?: ProcessReader;
  /** Default 250 ms (4 Hz): fast enough to see teeth of a second, cheap enough to leave on. */
  readonly intervalMs?: number;
  /**
   * The process table is scanned for new children and reused PIDs at this slower cadence
   * (default 5 s: workers live long, and a scan is most of the sampler's cost), once for all
   * roots, so a tick costs O(watched processes), never O(machine processes). A newly watched
   * root is scanned for at once.
   */
  readonly childScanIntervalMs?: number;
  /** RssAnon/RssFile/VmSwap change meaning slowly; reading status costs 3× statm. */
  readonly detailIntervalMs?: number;
  /** Each process's shared share (RSS − PSS) is re-read this often (default 5 s) for trees with children. */
  readonly pssRefreshIntervalMs?: number;
  /**
   * Samples a process whose memory stayed within a small band for a minute at 1 Hz, back to
   * `intervalMs` at once when it moves or `wake` is called (see adaptiveRate.ts). Off by default:
   * the CLI records at the rate it was asked for.
   */
  readonly adaptiveRate?: boolean | Omit<AdaptiveRateOptions, 'fastIntervalMs'>;
  readonly now?: () => number;
}

/** /proc where there is one (Linux), else pidusage (macOS, Windows). */
export function defaultReader(): ProcessReader {
  return ProcfsReader.isAvailable() ? new ProcfsReader() : new PidusageReader();
}
