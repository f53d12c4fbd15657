// Extension-host CPU while watching 8 real Python processes at 4 Hz: the model (sampler,
// detectors, series store) is exactly what the extension host runs. One minute, process.cpuUsage().
import { spawn, type ChildProcess } from 'node:child_process';
import { MemoryModel } from '../../src/model/memoryModel';

const SECONDS = Number(process.env.KMW_BENCH_SECONDS ?? 60);

async function main(): Promise<void> {
  // Python processes that keep changing their memory, so the detectors do real work.
  const code = 'import time\nx=[]\nprint("ready", flush=True)\nfor i in range(100000):\n    x.append(bytearray(200_000))\n    if len(x) > 300: x = x[150:]\n    time.sleep(0.05)';
  const children: ChildProcess[] = await Promise.all(
    Array.from({ length: 8 }, () => {
      const child = spawn('/usr/bin/python3', ['-c', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      return new Promise<ChildProcess>((resolve) => child.stdout!.once('data', () => resolve(child)));
    }),
  );
  const model = new MemoryModel();
  let samples = 0;
  model.onDidUpdate(() => {
    samples++;
    model.takePending(); // as the panel does
  });
  try {
    for (const [i, child] of children.entries()) await model.watch({ pid: child.pid!, label: `job${i}.py`, source: 'terminal' });
    await new Promise((resolve) => setTimeout(resolve, 2000)); // warm-up
    const before = process.cpuUsage();
    const samplesBefore = samples;
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    const used = process.cpuUsage(before);
    const percent = ((used.user + used.system) / 1e6 / SECONDS) * 100;
    console.log(`host_cpu_percent_8proc_4hz: ${percent.toFixed(3)} %`);
    console.log(`host_samples_per_sec_8proc_4hz: ${((samples - samplesBefore) / SECONDS).toFixed(1)} samples/s`);
  } finally {
    model.dispose();
    for (const child of children) child.kill('SIGKILL');
  }
}

void main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
