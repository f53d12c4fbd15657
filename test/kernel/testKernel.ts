// A test implementation of the Jupyter extension's published `Kernel` API
// (status, onDidChangeStatus, language, executeCode) that drives a real ipykernel through
// jupyter_client (test/kernel/kernel_driver.py). The kernel is this process's child, started
// with `python3 -m ipykernel_launcher -f <connection file>` as VS Code starts kernels.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BridgeCancellationToken, BridgeKernel, KernelStatus } from '../../src/kernel/kernelBridge';
import { freePort } from '../support/wait';

export const PYTHON = '/usr/bin/python3';
// Bundled into the in-host test file, __dirname moves: the E2E run says where the checkout is.
const DRIVER = process.env.KMW_REPO_ROOT ? join(process.env.KMW_REPO_ROOT, 'test/kernel/kernel_driver.py') : join(__dirname, 'kernel_driver.py');

interface DriverOutput {
  output_type: 'stream' | 'execute_result' | 'display_data' | 'error';
  name?: string;
  text?: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

interface Execution {
  outputs: DriverOutput[];
  done: boolean;
  status?: string;
  executionCount?: number;
  wake?: () => void;
}

export interface CellResult {
  status: string;
  executionCount: number;
  outputs: DriverOutput[];
}


const encoder = new TextEncoder();

/** Converts a Jupyter message's content to the Jupyter extension's `Output` shape. */
function toOutput(output: DriverOutput): { items: { mime: string; data: Uint8Array }[] } {
  switch (output.output_type) {
    case 'stream':
      return { items: [{ mime: `application/x.notebook.stream.${output.name}`, data: encoder.encode(output.text ?? '') }] };
    case 'error':
      return {
        items: [
          {
            mime: 'application/vnd.code.notebook.error',
            data: encoder.encode(JSON.stringify({ name: output.ename, message: output.evalue, stack: (output.traceback ?? []).join('\n') })),
          },
        ],
      };
    default:
      return {
        items: Object.entries(output.data ?? {}).map(([mime, value]) => ({
          mime,
          data: encoder.encode(typeof value === 'string' ? value : JSON.stringify(value)),
        })),
      };
  }
}

export class TestKernel implements BridgeKernel {
  readonly language = 'python';
  status: KernelStatus = 'starting';
  readonly process: ChildProcess;
  private readonly driver: ChildProcess;
  private readonly listeners = new Set<(status: KernelStatus) => void>();
  private readonly executions = new Map<number, Execution>();
  private nextId = 1;
  private readonly dir: string;
  readonly ready: Promise<void>;

  private constructor(kernel: ChildProcess, driver: ChildProcess, dir: string) {
    this.process = kernel;
    this.driver = driver;
    this.dir = dir;
    let resolveReady: () => void = () => {};
    let rejectReady: (error: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    // Both processes' stderr is kept, so a kernel that would not start says why.
    const stderrTail: string[] = [];
    const keep = (who: string) => (data: Buffer) => {
      stderrTail.push(...data.toString().split('\n').filter(Boolean).map((line) => `${who}: ${line}`));
      stderrTail.splice(0, Math.max(0, stderrTail.length - 30));
    };
    kernel.stderr?.on('data', keep('kernel'));
    driver.stderr?.on('data', keep('driver'));
    driver.once('close', (code) => rejectReady(new Error(`kernel driver exited (${code}); kernel ${kernel.exitCode === null ? 'running' : `exited (${kernel.exitCode})`}\n${stderrTail.join('\n')}`)));
    const lines = createInterface({ input: driver.stdout! });
    lines.on('line', (line) => {
      const message = JSON.parse(line);
      if (message.event === 'ready') {
        this.setStatus('idle');
        resolveReady();
      } else if (message.event === 'status') {
        this.setStatus(message.state);
      } else {
        const execution = this.executions.get(message.id);
        if (!execution) return;
        if (message.event === 'output') execution.outputs.push(message.output);
        if (message.event === 'done') {
          execution.done = true;
          execution.status = message.status;
          execution.executionCount = message.execution_count;
        }
        execution.wake?.();
      }
    });
    kernel.once('exit', () => this.setStatus('dead'));
  }

  /** Starts an ipykernel with `/usr/bin/python3` and connects the driver to it. */
  static async start(cwd?: string): Promise<TestKernel> {
    const dir = mkdtempSync(join(tmpdir(), 'kmw-kernel-'));
    const connectionFile = join(dir, `kernel-${randomBytes(4).toString('hex')}.json`);
    const ports = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
    writeFileSync(
      connectionFile,
      JSON.stringify({
        shell_port: ports[0],
        iopub_port: ports[1],
        stdin_port: ports[2],
        control_port: ports[3],
        hb_port: ports[4],
        ip: '127.0.0.1', // loopback only
        key: randomBytes(16).toString('hex'),
        transport: 'tcp',
        signature_scheme: 'hmac-sha256',
        kernel_name: 'python3',
      }),
    );
    const kernel = spawn(PYTHON, ['-m', 'ipykernel_launcher', '-f', connectionFile], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    });
    const driver = spawn(PYTHON, [DRIVER, connectionFile], { stdio: ['pipe', 'pipe', 'pipe'] });
    const testKernel = new TestKernel(kernel, driver, dir);
    await testKernel.ready;
    return testKernel;
  }

  get pid(): number {
    return this.process.pid!;
  }

  onDidChangeStatus(listener: (status: KernelStatus) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The Jupyter API's executeCode: store_history false, no execution count, outputs as they come. */
  executeCode(code: string, token: BridgeCancellationToken): AsyncIterable<{ items: { mime: string; data: Uint8Array }[] }> {
    const execution = this.send(code, false);
    return {
      [Symbol.asyncIterator]: async function* (this: TestKernel) {
        let index = 0;
        let cancelled = false;
        const subscription = token.onCancellationRequested(() => {
          cancelled = true;
          execution.wake?.();
        });
        try {
          for (;;) {
            while (index < execution.outputs.length) yield toOutput(execution.outputs[index++]);
            if (execution.done || cancelled) return;
            await new Promise<void>((resolve) => (execution.wake = resolve));
          }
        } finally {
          subscription.dispose();
        }
      }.bind(this),
    };
  }

  /** Runs code as a user's cell would (store_history true: In/Out and the execution count move). */
  runCell(code: string): Promise<CellResult> {
    const execution = this.send(code, true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (execution.done) resolve({ status: execution.status!, executionCount: execution.executionCount!, outputs: execution.outputs });
        else execution.wake = check;
      };
      check();
    });
  }

  /** Waits until the kernel reports this status. */
  waitFor(status: KernelStatus): Promise<void> {
    if (this.status === status) return Promise.resolve();
    return new Promise((resolve) => {
      const subscription = this.onDidChangeStatus((next) => {
        if (next === status) {
          subscription.dispose();
          resolve();
        }
      });
    });
  }

  dispose(): void {
    this.driver.stdin!.end(JSON.stringify({ id: 0, op: 'shutdown' }) + '\n');
    this.driver.kill();
    this.process.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private send(code: string, storeHistory: boolean): Execution {
    const id = this.nextId++;
    const execution: Execution = { outputs: [], done: false };
    this.executions.set(id, execution);
    this.driver.stdin!.write(JSON.stringify({ id, op: 'execute', code, store_history: storeHistory }) + '\n');
    return execution;
  }

  private setStatus(status: KernelStatus): void {
    this.status = status;
    for (const listener of [...this.listeners]) listener(status);
  }
}
