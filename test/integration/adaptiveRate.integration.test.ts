// The sampler's adaptive rate on a real Python process that idles, then allocates, then idles again.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { ProcfsReader } from '../../src/core/procfsReader';
import { ProcessTreeSampler, type TreeSample } from '../../src/core/sampler';
import { until } from '../support/wait';

const MB = 1024 * 1024;
const started: ChildProcess[] = [];
after(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
});

const HOLDER_PY = `
import sys, time
held = bytearray(b'\\x01') * (50 * 1024 * 1024)
print('ready', flush=True)
sys.stdin.readline()
more = bytearray(b'\\x01') * (100 * 1024 * 1024)
print('grown', flush=True)
time.sleep(120)
`;

function startHolder(): Promise<{ child: ChildProcess; grown: Promise<void> }> {
  const child = spawn('/usr/bin/python3', ['-c', HOLDER_PY], { stdio: ['pipe', 'pipe', 'inherit'] });
  started.push(child);
  let out = '';
  let onGrown: () => void = () => {};
  const grown = new Promise<void>((resolve) => (onGrown = resolve));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
      if (out.includes('ready')) resolve({ child, grown });
      if (out.includes('grown')) onGrown();
    });
    child.once('exit', (code) => reject(new Error(`python exited early (${code})`)));
  });
}

/** Gaps (ms) between the samples from index `from` on. */
const gaps = (samples: readonly TreeSample[], from: number): number[] => samples.slice(from + 1).map((s, i) => s.t - samples[from + i].t);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('adaptive sampling rate on a real process', () => {
  it('drops to 1 Hz while memory stays in its band, back to the configured rate when it allocates or is woken', { timeout: 120_000 }, async () => {
    const { child, grown } = await startHolder();
    // a quiet period of 2 s instead of a minute, so the test takes seconds
    const sampler = new ProcessTreeSampler({ reader: new ProcfsReader(), intervalMs: 100, adaptiveRate: { quietMs: 2000, idleIntervalMs: 1000 } });
    const samples: TreeSample[] = [];
    sampler.onSample((sample) => samples.push(sample));
    const { processKey: key } = await sampler.watch(child.pid!, 'holder');
    sampler.start();
    const report = (): string => `gaps ${gaps(samples, Math.max(0, samples.length - 8)).join(', ')} ms`;
    try {
      // quiet: after 2 s within the band, samples come a second apart (a timer never fires early)
      await until('the idle rate', () => sampler.isIdle(key) && samples.length > 3 && gaps(samples, samples.length - 3).every((gap) => gap >= 900), 30_000, 50);
      const fastBefore = gaps(samples, 0).slice(0, 10);
      assert.ok(median(fastBefore) < 500, `the configured rate first: ${fastBefore.join(', ')} ms`);

      child.stdin!.write('go\n');
      await grown;
      const moved = await until('a sample of the allocation', () => {
        const at = samples.findIndex((s) => s.memoryBytes > 140 * MB);
        return at >= 0 ? at : undefined;
      }, 30_000, 50);
      await until('six samples after the allocation', () => samples.length >= moved + 7, 30_000, 50);
      const afterMove = gaps(samples, moved).slice(0, 6);
      assert.ok(median(afterMove) < 500, `back to the configured rate: ${afterMove.join(', ')} ms`);

      // quiet again at the new level, then a wake (a cell starting) brings the rate back at once
      await until('the idle rate again', () => sampler.isIdle(key) && gaps(samples, samples.length - 3).every((gap) => gap >= 900), 30_000, 50);
      const woken = samples.length;
      sampler.wake(key);
      assert.equal(sampler.isIdle(key), false);
      await until('six samples after the wake', () => samples.length >= woken + 7, 30_000, 50);
      const afterWake = gaps(samples, woken).slice(0, 6);
      assert.ok(median(afterWake) < 500, `woken: ${afterWake.join(', ')} ms; ${report()}`);
      // the figures are those of the process at either rate: no sample lost its value
      assert.ok(samples.every((s) => s.memoryBytes > 50 * MB), report());
    } finally {
      sampler.dispose();
      child.kill('SIGKILL');
    }
  });
});
