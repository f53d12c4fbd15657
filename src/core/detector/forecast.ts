import type { TimeScale } from './timeScale';
import type { Forecast } from './types';

/**
 * When the peaks reach `limitBytes` at the trough slope: the peaks hit the limit first, so the
 * count starts from the highest point of the scale's last two buckets (or the last sample).
 */
export function forecastLimit(limitBytes: number | null, slope: number, scale: TimeScale, lastBytes: number, lastTime: number): Forecast {
  if (limitBytes === null || !(slope > 0)) return noForecast(limitBytes);
  let recentPeak = lastBytes;
  for (let i = Math.max(0, scale.count - 2); i < scale.count; i++) {
    recentPeak = Math.max(recentPeak, scale.maxs[scale.head + i]);
  }
  const secondsToLimit = Math.max(0, (limitBytes - recentPeak) / slope);
  return { limitBytes, secondsToLimit, reachesLimitAt: lastTime + secondsToLimit };
}

export function noForecast(limitBytes: number | null): Forecast {
  return { limitBytes, secondsToLimit: null, reachesLimitAt: null };
}
