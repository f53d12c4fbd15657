// The extension's settings, validated without `vscode`: a malformed or out-of-range value falls
// back to its default, and the problem is reported once, naming the setting.

import { parseByteSize } from '../core/byteSize';
import { readServerList, type ConfiguredServer } from './remoteServerSettings';

export interface Settings {
  readonly samplingIntervalMs: number;
  readonly warningShare: number;
  readonly errorShare: number;
  readonly watchKernels: boolean;
  readonly watchTerminals: boolean;
  readonly watchDebugSessions: boolean;
  readonly limitOverrideBytes: number | undefined;
  readonly showGauge: boolean;
  readonly historyHours: number;
  readonly autoRelease: boolean;
  readonly autoReleaseThresholdMB: number;
  readonly autoReleaseMinIntervalSec: number;
  readonly quickFixEveryN: number;
  /** Jupyter Servers to connect to at start (normalised base URLs; tokens live in SecretStorage). */
  readonly remoteServers: readonly ConfiguredServer[];
  readonly remoteIntervalMs: number;
}

export const DEFAULT_SETTINGS: Settings = {
  samplingIntervalMs: 250,
  warningShare: 0.75,
  errorShare: 0.9,
  watchKernels: true,
  watchTerminals: true,
  watchDebugSessions: true,
  limitOverrideBytes: undefined,
  showGauge: true,
  historyHours: 24,
  autoRelease: false,
  autoReleaseThresholdMB: 200,
  autoReleaseMinIntervalSec: 30,
  quickFixEveryN: 10,
  remoteServers: [],
  remoteIntervalMs: 1000,
};

export interface SettingsResult {
  readonly settings: Settings;
  /** One message per setting that fell back to its default. */
  readonly problems: string[];
}

type Raw = (name: string) => unknown;

export function readSettings(get: Raw): SettingsResult {
  const problems: string[] = [];
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const value = get(name);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      problems.push(`kernelMemoryWatch.${name} must be a number from ${min} to ${max} (got ${JSON.stringify(value)}); using ${fallback}.`);
      return fallback;
    }
    return value;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const value = get(name);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      problems.push(`kernelMemoryWatch.${name} must be true or false (got ${JSON.stringify(value)}); using ${fallback}.`);
      return fallback;
    }
    return value;
  };
  let limitOverrideBytes: number | undefined;
  const limit = get('memoryLimit');
  if (typeof limit === 'string' && limit.trim() !== '') {
    const size = parseByteSize(limit, 'kernelMemoryWatch.memoryLimit');
    if (size.problem !== undefined) problems.push(`${size.problem}; using the cgroup's limit or RAM.`);
    else limitOverrideBytes = size.bytes;
  } else if (typeof limit === 'number' && limit > 0) {
    limitOverrideBytes = limit;
  } else if (limit !== undefined && limit !== null && limit !== '') {
    problems.push(`kernelMemoryWatch.memoryLimit must be a size such as "12G" (got ${JSON.stringify(limit)}); using the cgroup's limit or RAM.`);
  }
  let warningShare = number('warningThreshold', DEFAULT_SETTINGS.warningShare, 0.05, 1);
  let errorShare = number('errorThreshold', DEFAULT_SETTINGS.errorShare, 0.05, 1);
  if (errorShare < warningShare) {
    problems.push(`kernelMemoryWatch.errorThreshold (${errorShare}) is below warningThreshold (${warningShare}); using ${DEFAULT_SETTINGS.warningShare} and ${DEFAULT_SETTINGS.errorShare}.`);
    warningShare = DEFAULT_SETTINGS.warningShare;
    errorShare = DEFAULT_SETTINGS.errorShare;
  }
  return {
    settings: {
      samplingIntervalMs: number('samplingInterval', DEFAULT_SETTINGS.samplingIntervalMs, 50, 10_000),
      warningShare,
      errorShare,
      watchKernels: flag('watch.kernels', true),
      watchTerminals: flag('watch.terminals', true),
      watchDebugSessions: flag('watch.debugSessions', true),
      limitOverrideBytes,
      showGauge: flag('showGauge', true),
      historyHours: number('historyHours', DEFAULT_SETTINGS.historyHours, 0.1, 168),
      autoRelease: flag('autoRelease.enabled', false),
      autoReleaseThresholdMB: number('autoRelease.thresholdMB', DEFAULT_SETTINGS.autoReleaseThresholdMB, 1, 1_000_000),
      autoReleaseMinIntervalSec: number('autoRelease.minIntervalSec', DEFAULT_SETTINGS.autoReleaseMinIntervalSec, 1, 86_400),
      quickFixEveryN: number('quickFix.everyN', DEFAULT_SETTINGS.quickFixEveryN, 1, 1_000_000),
      remoteServers: readServerList(get('remote.servers'), problems),
      remoteIntervalMs: number('remote.interval', DEFAULT_SETTINGS.remoteIntervalMs, 100, 60_000),
    },
    problems,
  };
}
