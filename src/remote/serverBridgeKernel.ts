// The kernel bridge's `BridgeKernel` seam over a Jupyter Server kernel: the bridge's scripts go
// as `execute_request` on the same KernelConnection the sampler uses, with `store_history`
// false (no In/Out entry, no execution count) and `allow_stdin` false (a script can never wait
// for input). The bridge refuses while `status` is not idle; the status is the shell's alone.

import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { BridgeCancellationToken, BridgeKernel, KernelStatus } from '../kernel/kernelBridge';
import { trackShellStatus } from './shellStatus';

type Output = { items: { mime: string; data: Uint8Array }[] };

const STATUSES: ReadonlySet<string> = new Set<KernelStatus>(['unknown', 'starting', 'idle', 'busy', 'terminating', 'restarting', 'autorestarting', 'dead']);
const encoder = new TextEncoder();

export class ServerBridgeKernel implements BridgeKernel {
  private statusValue: KernelStatus;
  private readonly listeners = new Set<(status: KernelStatus) => void>();
  private readonly tracking: { dispose(): void };

  /**
   * `initialStatus`: the kernel's execution state as the server listed it, used until the
   * kernel publishes one (a connection made while idle sees one at once: kernel_info's).
   */
  constructor(
    private readonly connection: Kernel.IKernelConnection,
    readonly language: string,
    initialStatus = 'unknown',
  ) {
    this.statusValue = toStatus(initialStatus);
    this.tracking = trackShellStatus(connection, (state) => {
      const status = toStatus(state);
      if (status === this.statusValue) return;
      this.statusValue = status;
      for (const listener of [...this.listeners]) listener(status);
    });
  }

  get status(): KernelStatus {
    return this.statusValue;
  }

  onDidChangeStatus(listener: (status: KernelStatus) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  executeCode(code: string, token: BridgeCancellationToken): AsyncIterable<Output> {
    const connection = this.connection;
    return {
      [Symbol.asyncIterator]: () => {
        const queue: Output[] = [];
        let finished = false;
        let wake: (() => void) | undefined;
        const settle = (): void => {
          wake?.();
          wake = undefined;
        };
        const future = connection.requestExecute({ code, silent: false, store_history: false, allow_stdin: false, stop_on_error: false });
        future.onIOPub = (message) => {
          const output = toOutput(message);
          if (output) {
            queue.push(output);
            settle();
          }
        };
        const end = (): void => {
          finished = true;
          settle();
        };
        future.done.then(end, end);
        const cancelled = token.onCancellationRequested(() => {
          future.dispose(); // stop listening; the bridge reports the timeout
          end();
        });
        return {
          next: async (): Promise<IteratorResult<Output>> => {
            while (queue.length === 0 && !finished) await new Promise<void>((resolve) => (wake = resolve));
            if (queue.length > 0) return { value: queue.shift()!, done: false };
            cancelled.dispose();
            return { value: undefined, done: true };
          },
          return: (): Promise<IteratorResult<Output>> => {
            cancelled.dispose();
            return Promise.resolve({ value: undefined, done: true });
          },
        };
      },
    };
  }

  dispose(): void {
    this.tracking.dispose();
    this.listeners.clear();
  }
}

function toStatus(state: string): KernelStatus {
  return STATUSES.has(state) ? (state as KernelStatus) : 'unknown';
}

/** An iopub message as the Jupyter extension's output items (the mimes the bridge reads). */
function toOutput(message: KernelMessage.IIOPubMessage): Output | undefined {
  switch (message.header.msg_type) {
    case 'stream': {
      const content = message.content as KernelMessage.IStreamMsg['content'];
      return { items: [{ mime: `application/vnd.code.notebook.${content.name}`, data: encoder.encode(content.text) }] };
    }
    case 'error': {
      const content = message.content as KernelMessage.IErrorMsg['content'];
      const error = { name: content.ename, message: content.evalue, stack: content.traceback.join('\n') };
      return { items: [{ mime: 'application/vnd.code.notebook.error', data: encoder.encode(JSON.stringify(error)) }] };
    }
    case 'execute_result':
    case 'display_data': {
      const data = (message.content as KernelMessage.IDisplayDataMsg['content']).data;
      return { items: Object.entries(data).map(([mime, value]) => ({ mime, data: encoder.encode(typeof value === 'string' ? value : JSON.stringify(value)) })) };
    }
    default:
      return undefined;
  }
}
