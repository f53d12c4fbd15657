// Whether a remote kernel is running a cell. The kernel publishes busy/idle on iopub around every
// request, control ones included (each usage_request makes it "busy" for a moment), so only the
// statuses whose parent is a shell request say anything about cells.

import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { Disposable } from '../core/sampler';

const CONTROL_REQUESTS = new Set(['usage_request', 'interrupt_request', 'shutdown_request', 'debug_request']);

/** Calls `listener` with each execution state that concerns the shell (or a restart/death). */
export function trackShellStatus(connection: Kernel.IKernelConnection, listener: (state: string) => void): Disposable {
  const onIopub = (_: Kernel.IKernelConnection, message: KernelMessage.IIOPubMessage): void => {
    if (message.header.msg_type !== 'status') return;
    const parentType = (message.parent_header as { msg_type?: string }).msg_type;
    if (parentType !== undefined && CONTROL_REQUESTS.has(parentType)) return;
    listener((message.content as { execution_state: string }).execution_state);
  };
  const onStatus = (_: Kernel.IKernelConnection, status: Kernel.Status): void => {
    if (status === 'restarting' || status === 'autorestarting' || status === 'dead' || status === 'starting') listener(status);
  };
  connection.iopubMessage.connect(onIopub);
  connection.statusChanged.connect(onStatus);
  return {
    dispose: () => {
      connection.iopubMessage.disconnect(onIopub);
      connection.statusChanged.disconnect(onStatus);
    },
  };
}
