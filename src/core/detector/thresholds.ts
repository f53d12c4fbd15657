// The detector's thresholds, and why each has its value.

export const MIB = 1024 * 1024;
/**
 * Finest bucket (s). Samples arrive at 1–20 Hz; half a second keeps the floor of each bucket
 * meaningful at 20 Hz (10 samples) without leaving most buckets empty at 1 Hz, and is well
 * below the one-second teeth of a fast DataFrame loop.
 */
export const BASE_BUCKET_SEC = 0.5;
/** Buckets per time scale. Each scale doubles the bucket, so 64 buckets span 32 s, 64 s, … 24 days. */
export const WINDOW = 64;
export const WINDOW_MASK = WINDOW - 1; // WINDOW is a power of two
export const MAX_LEVELS = 22;
/** Fewer points than this cannot make a Mann–Kendall test reach significance on noisy data. */
export const MIN_POINTS = 8;
/**
 * Mann–Kendall Z to raise (one-sided p < 0.005) and to hold (p < 0.1). A scale is evaluated
 * every bucket, so a loose raise threshold would fire on noise sooner or later; the lower hold
 * threshold is the hysteresis that keeps an alarm steady through one noisy window.
 */
export const Z_RAISE = 2.58;
export const Z_HOLD = 1.28;
/**
 * Growth must be at least this much, and a tenth of the floor it started from: CPython's
 * own caches, imports and arenas move RSS by a few MB, and a healthy process's floor wanders
 * by several percent as the allocator's arenas come and go, while a ratchet worth fixing adds
 * at least a DataFrame per tooth.
 */
export const MIN_RISE_BYTES = 16 * MIB;
/** Growth must be this many robust sigmas of the floors' scatter around their trend line. */
export const RISE_TO_SCATTER = 3;
export const MIN_RISE_FRACTION = 0.1;
/**
 * A one-off fill (loading a dataset, warming a cache) rises in one go; a ratchet keeps rising.
 * The floor's rise from 25 % to 75 % of its extent must take at least this long (and three
 * buckets of the scale) before an alarm: a few seconds at the finest scale, proportionally
 * longer at coarser ones.
 */
export const MIN_RISE_TIME_SEC = 2;
export const MIN_RISE_TIME_BUCKETS = 3;
/** The floor must have made a new high within this share of the window to count as still growing. */
export const ONGOING_SHARE_RAISE = 0.25;
export const ONGOING_SHARE_HOLD = 0.5;
/**
 * Consecutive evaluations needed to raise and to clear: a single odd window never flips the
 * alarm. Clearing also needs the evidence to stay away for CLEAR_AFTER_SEC: a sawtooth resets at
 * every older-generation collection, and the alarm must not blink off and on at each reset.
 */
export const RAISE_CONFIRMATIONS = 2;
export const CLEAR_CONFIRMATIONS = 3;
export const CLEAR_AFTER_SEC = 5;
/**
 * Zigzag reversal: a tooth is a drop of at least 4 MiB and 3 % of the peak. Python's RSS
 * jitter is well under 1 %; one 40 MB frame in a 1 GB kernel is 4 %.
 */
export const REVERSAL_MIN_BYTES = 4 * MIB;
export const REVERSAL_FRACTION = 0.03;
/** A floor that falls back by half of its climb starts a new one (see TimeScale.trackSegment). */
export const RESET_SHARE = 0.5;
/**
 * A sawtooth returns a large share of what each tooth climbed (a collection frees the
 * garbage; only what was promoted stays): cyclic garbage gives back 60–99 % in the recorded
 * traces. A staircase returns almost nothing: the freed memory stays in malloc's arenas or in a
 * cache. Live data with temporaries on top (a figure kept per report, its render buffers freed
 * now and then) gives back a third or so of its climb, which is not garbage a collection would
 * free: half sits between the two.
 */
export const SAWTOOTH_MIN_TEETH = 2;
export const SAWTOOTH_MIN_DROP_SHARE = 0.5;
/**
 * Steps versus a steady climb: a staircase spends a good part of its time on plateaus (between
 * cell runs, between batches), where the RSS moves far slower than its average growth; a climb
 * moves at about its average rate all the time, and noise moves faster than it both ways.
 * A plateau is an interval between samples whose rate is under half the window's growth
 * rate; 30 % of the time on plateaus makes a staircase.
 */
export const STAIRCASE_MIN_PLATEAU_SHARE = 0.3;
export const PLATEAU_RATE_SHARE = 0.5;
/** Time between samples is binned by |rate| on a log2 scale: bin 0 below 64 KiB/s, then doubling. */
export const RATE_BINS = 18;
export const RATE_BIN_BASE_LOG2 = 16;
/** A gap in the samples says nothing about what happened in it: at most 2 s of it is counted. */
export const MAX_INTERVAL_WEIGHT_SEC = 2;
export const TEETH_CAPACITY = 512;
/** Teeth that say "this process comes back down": three in a row with level troughs. */
export const RECENT_TEETH = 3;
export const TEETH_MASK = TEETH_CAPACITY - 1; // a power of two
/** Six strictly rising troughs are the fewest that reach Z_RAISE; 32 bound the cost. */
export const MIN_TROUGHS_TESTED = 6;
export const MAX_TROUGHS_TESTED = 32;
export const MAX_TEETH_FOR_SLOPE = 32;
/**
 * A sawtooth under a fixed ceiling: its peaks came within a tenth (MIN_RISE_FRACTION, the peaks'
 * own jitter) of their highest long ago and most of them have stayed that close since (a
 * ratchet's peaks climb: only its last few are near the highest), and its troughs since then
 * are judged as one run, at most the last 128 teeth (minutes of a loop with second-long teeth;
 * the trend test is quadratic).
 */
export const CEILING_SHARE = 0.9;
export const CEILING_PINNED_SHARE = 0.5;
/**
 * Troughs under a ceiling climb "tooth after tooth" when at least 70 % of them are higher than
 * the one before: a random walk rises at half of them (20 teeth reach 70 % by chance one time
 * in twenty), a trimmed allocator pinning a few more pages at every tooth at nearly all.
 */
export const STEADY_RISE_SHARE = 0.7;
/** Teeth that drop less than a quarter of the biggest are noise on a climb, not teeth of the loop. */
export const BIG_TOOTH_SHARE = 0.25;
export const MAX_TEETH_UNDER_CEILING = 128;
/**
 * Troughs that climb tooth after tooth but whose last third climbs at under 60 % of their first
 * third's rate are levelling off (a working set filling up to its size, each tooth pinning less):
 * not a ratchet. A ratchet pins about as much per tooth late as early (its ratio is near 1, its
 * noise well within 0.6–1.6); a filling working set's rate halves or more.
 */
export const LEVEL_OFF_SHARE = 0.6;
/**
 * Back to base: the lowest trough of a window's later half within a quarter of the least growth
 * that counts of its earlier half's. A ratchet that grew by that least growth over the window has
 * its later half's lowest trough about half of it higher; Python's own jitter is far below.
 */
export const BASE_RETURN_SHARE = 0.25;
/**
 * Level lately: floors whose last quarter of the window has risen above the quarter before the
 * middle by less than half the least growth that counts (what holding needs of the whole
 * window's rise) have not grown for half a window, whatever they did before: no alarm holds.
 */
export const LEVEL_SHARE = 0.5;
/**
 * Start-up: a Python process goes from the bare interpreter's 8 MB to 100–250 MB in its first
 * seconds (measured here: importing pandas, matplotlib.pyplot and IPython peaks at 111 MB; the
 * first rendered figures, frames and font caches add as much again), in steps that look like a
 * staircase. The start-up climbs recorded in the wild corpus come to rest by 7–12.5 s. While a
 * process is younger than STARTUP_SEC and its floor has stayed under STARTUP_ALLOWANCE_BYTES, no
 * growth is judged; a floor past the allowance ends the exemption at once (a leak from the first
 * line climbs through it within seconds: the recorded causes pass it by 1.5–4 s). After a
 * start-up under the allowance, a scale's floors must pass that scale's highest start-up floor
 * by half the least growth that counts (LEVEL_SHARE) before they can raise, so the start-up's
 * own climb is not read as a leak once it is over (and see REST_LEVEL_SHARE for a start-up that
 * came to rest). Longer would also cover a start-up whose floors step on after 15 s
 * (mpl_savefig_close at 24 s and again at 51 s), at the cost of delaying every slow leak's alarm
 * as much (trimmed_retention_growth's live alarm to ~27 s of its 33-s run with 20 s).
 */
export const STARTUP_SEC = 15;
export const STARTUP_ALLOWANCE_BYTES = 256 * MIB;
/**
 * A start-up that came to rest: its floors stayed level, within a quarter of the least growth
 * that counts (Python's own jitter is far below), for REST_MIN_BUCKETS buckets or more of a
 * scale and as long as a rise must take to count (MIN_RISE_TIME_SEC and _BUCKETS), from a bucket
 * that began before the start-up ended. The climb up to that plateau was the start-up's, however
 * it looked; what comes after is a fresh climb from a level, so it raises only if it rises the
 * whole least growth above the plateau's highest floor (not half of it above the start-up's peak)
 * and, from the plateau's end, not in one go. matplotlib's warm-up steps its floor again after
 * resting (mpl_figure_gc_cycles: 106-116 MB for 11 s, then 123 MB at 18-20 s). A start-up still
 * climbing when it ended has no such plateau and keeps the half: trimmed_retention_growth_33s's
 * 2-s floors climb 2 MB a bucket, level within a quarter for 3 buckets at most, and with 3 as the
 * minimum it would alarm at 31.5 s instead of 21.7 s; mpl_figure_gc_cycles's rest at the 1-s
 * scale holds 7 buckets within a quarter, so 8 (MIN_POINTS) would miss it. Four is also the
 * least quarter levelLately judges.
 */
export const REST_LEVEL_SHARE = 0.25;
export const REST_MIN_BUCKETS = 4;
/**
 * A long pause: floors level within REST_LEVEL_SHARE for this many buckets of a scale (3/16 of
 * the window), anywhere in it. After one, the floor must rise the whole least growth above the
 * pause's highest floor before the scale can raise: a warm-up's high-water mark that steps up a
 * little once more after half a minute level (mpl_savefig_close: 213 MB for 25 s, then 230 MB,
 * 17 MB where 21 MB counts) is not a fresh climb, while a leak that starts after a long flat
 * stretch rises past that within the same time it needs anyway (hours of flat then 1 MB/s: the
 * alarm 75.5 s after the leak began, as before). Measured on every recorded trace and the
 * synthetic shapes: 9 to 13 buckets change only the two mpl_savefig_close verdicts; at 8 the
 * pauses between exception_traceback_cycle's collections raise it twice and the hours-flat leak
 * alarms after 123.5 s; at 14 mpl_savefig_close's 2-s scale no longer sees its 25-s plateau as one.
 */
export const PAUSE_MIN_BUCKETS = 12;
