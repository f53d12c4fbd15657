// Remote kernels on a real jupyter_server (127.0.0.1): one usage_request round trip on an idle
// and on a busy kernel (a CPU-bound cell holding the GIL), and this process's CPU per kernel
// while sampling KMW_BENCH_REMOTE_KERNELS kernels at 1 Hz over the protocol (the local /proc
// shortcut off, as for a kernel on another machine).
import { JupyterServerSource, type RemoteKernelSample } from '../../src/remote/jupyterServerSource';
import { TestJupyterServer } from '../support/jupyterServer';
import { until } from '../support/wait';

const SECONDS = Number(process.env.KMW_BENCH_SECONDS ?? 30);
const KERNELS = Number(process.env.KMW_BENCH_REMOTE_KERNELS ?? 4);
const ROUND_TRIPS = 100;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` round trips of one kernel, one request at a time, every 100 ms. */
async function roundTrips(server: TestJupyterServer, kernelId: string, count: number): Promise<number[]> {
  const source = await JupyterServerSource.connect({ url: server.url, token: server.token, intervalMs: 100, sampleLocally: false });
  const times: number[] = [];
  source.onSample((sample: RemoteKernelSample) => {
    if (sample.kernelId === kernelId && sample.roundTripMs !== undefined) times.push(sample.roundTripMs);
  });
  try {
    await until(`${count} usage replies`, () => times.length >= count + 5, 120_000, 100);
  } finally {
    source.dispose();
  }
  return times.slice(5, count + 5); // the first replies include the websocket's start
}

async function main(): Promise<void> {
  // The library announces every websocket on stdout; figures must be the only output.
  console.debug = () => {};
  console.warn = () => {};
  const server = await TestJupyterServer.start();
  try {
    const kernels = [];
    for (let i = 0; i < KERNELS; i++) kernels.push(await server.createSession(`bench${i}.ipynb`));
    const [{ kernelId }] = kernels;
    const idle = await roundTrips(server, kernelId, ROUND_TRIPS);
    console.log(`remote_sample_ms_p50: ${percentile(idle, 50).toFixed(1)} ms`);
    console.log(`remote_sample_ms_p95: ${percentile(idle, 95).toFixed(1)} ms`);

    const client = server.connect(kernelId);
    const cell = await server.execute(client, 'import time\nx = []\nend = time.time() + 120\nwhile time.time() < end:\n    x.append(bytearray(100_000))\n    if len(x) > 2000: x = x[1000:]\n');
    await server.waitBusy(client);
    const busy = await roundTrips(server, kernelId, ROUND_TRIPS);
    console.log(`remote_sample_busy_ms_p50: ${percentile(busy, 50).toFixed(1)} ms`);
    console.log(`remote_sample_busy_ms_p95: ${percentile(busy, 95).toFixed(1)} ms`);
    await client.interrupt();
    await cell.done.catch(() => undefined); // interrupted: an error reply

    const source = await JupyterServerSource.connect({ url: server.url, token: server.token, intervalMs: 1000, sampleLocally: false });
    let samples = 0;
    source.onSample(() => samples++);
    try {
      await until('every kernel sampled', () => source.kernels().every((k) => k.state === 'sampling'), 60_000, 200);
      await sleep(3000);
      const before = process.cpuUsage();
      const samplesBefore = samples;
      await sleep(SECONDS * 1000);
      const used = process.cpuUsage(before);
      const percent = ((used.user + used.system) / 1e6 / SECONDS) * 100;
      console.log(`remote_host_cpu_pct_per_kernel: ${(percent / KERNELS).toFixed(3)} % (${KERNELS} kernels at 1 Hz, ${samples - samplesBefore} samples in ${SECONDS} s)`);
    } finally {
      source.dispose();
    }
  } finally {
    await server.stop();
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
