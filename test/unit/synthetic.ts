// Synthetic RSS traces for detector edge cases. A seeded generator keeps every run identical.

export interface Point {
  t: number;
  rss: number;
}

const MB = 1024 * 1024;

/** Mulberry32: small, fast, good enough for test noise. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export interface TraceSpec {
  hz: number;
  seconds: number;
  /** RSS in bytes at time t (s), before noise. */
  shape: (t: number) => number;
  noiseBytes?: number;
  seed?: number;
  /** Randomise sample times by this share of the interval. */
  jitter?: number;
}

export function makeTrace(spec: TraceSpec): Point[] {
  const random = rng(spec.seed ?? 1);
  const dt = 1 / spec.hz;
  const points: Point[] = [];
  for (let i = 0; i * dt <= spec.seconds; i++) {
    const t = i * dt + (spec.jitter ?? 0) * dt * random();
    const noise = (spec.noiseBytes ?? 0) * gaussian(random);
    points.push({ t, rss: Math.max(0, spec.shape(t) + noise) });
  }
  return points;
}

/** Cyclic garbage: every `period` s a tooth climbs `tooth` bytes and drops back, leaving `ratchet` bytes behind. */
export function sawtooth(base: number, period: number, tooth: number, ratchet: number): (t: number) => number {
  return (t) => {
    const k = Math.floor(t / period);
    const phase = (t - k * period) / period;
    return base + k * ratchet + phase * tooth;
  };
}

/** A step of `step` bytes every `period` s, rising over `riseShare` of the period. */
export function staircase(base: number, period: number, step: number, riseShare = 0.2): (t: number) => number {
  return (t) => {
    const k = Math.floor(t / period);
    const phase = (t - k * period) / period;
    return base + k * step + Math.min(1, phase / riseShare) * step;
  };
}

export function linear(base: number, bytesPerSec: number, from = 0): (t: number) => number {
  return (t) => base + Math.max(0, t - from) * bytesPerSec;
}

export { MB };
