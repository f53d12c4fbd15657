import type { TeethTracker } from './teethTracker';
import * as thresholds from './thresholds';

// Local copies: a module that runs from source (tests, under tsx) reads an imported binding
// through a getter, a call per read in the hot loops.
const { MAX_TROUGHS_TESTED, RECENT_TEETH, STEADY_RISE_SHARE, TEETH_CAPACITY, TEETH_MASK } = thresholds;

/**
 * Whether the process keeps coming back down to its base: RECENT_TEETH troughs or more, in both
 * halves of the window from `windowStart` to `now` (or of the last MAX_TROUGHS_TESTED teeth, if
 * they reach further back), within `share` of `minRise` of the lowest, while the RSS
 * (`lastBytes`) stays under the highest peak since then (with half of `minRise` to spare). Such a
 * process has not grown, however its troughs wander between the returns (a loop of model fits
 * of varying size, each freeing all); a ratchet's lowest troughs rise with it. Not when a run of
 * troughs between two returns climbs tooth after tooth: a ratchet that full collections reset.
 */
export function returnsToBase(teeth: TeethTracker, windowStart: number, now: number, lastBytes: number, minRise: number, share: number): boolean {
  const { troughTime, troughBytes, peakBytes, count } = teeth;
  const oldest = Math.max(0, count - TEETH_CAPACITY);
  // at least the last MAX_TROUGHS_TESTED teeth: a fine scale's window can hold one climb
  const reach = Math.max(oldest, count - MAX_TROUGHS_TESTED);
  let first = count;
  let base = Infinity;
  let highPeak = -Infinity;
  while (first > oldest && (first > reach || troughTime[(first - 1) & TEETH_MASK] >= windowStart)) {
    first--;
    base = Math.min(base, troughBytes[first & TEETH_MASK]);
    highPeak = Math.max(highPeak, peakBytes[first & TEETH_MASK]);
  }
  // a climb well past the peaks it came back down from (by half the least growth) is new growth
  if (first === count || lastBytes > highPeak + 0.5 * minRise) return false;
  const middle = (Math.min(windowStart, troughTime[first & TEETH_MASK]) + now) / 2;
  const level = base + share * minRise;
  let earlyReturns = 0;
  let lateReturns = 0;
  // the runs of troughs between the returns: one of RECENT_TEETH troughs or more that climbs by
  // minRise, tooth after tooth (STEADY_RISE_SHARE), is a ratchet's climb reset by a full
  // collection; troughs that wander between the returns are not
  let runFirst = NaN;
  let runLength = 0;
  let runRises = 0;
  for (let k = first; k < count; k++) {
    const slot = k & TEETH_MASK;
    const trough = troughBytes[slot];
    if (trough <= level) {
      if (troughTime[slot] >= middle) lateReturns++;
      else earlyReturns++;
      runLength = 0;
      continue;
    }
    if (runLength === 0) {
      runFirst = trough;
      runRises = 0;
    } else if (trough > troughBytes[(k - 1) & TEETH_MASK]) runRises++;
    runLength++;
    if (runLength >= RECENT_TEETH && trough - runFirst >= minRise && runRises >= STEADY_RISE_SHARE * (runLength - 1)) return false;
  }
  return earlyReturns >= 1 && lateReturns >= 1 && earlyReturns + lateReturns >= RECENT_TEETH;
}
