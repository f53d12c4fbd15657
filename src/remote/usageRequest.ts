// One `usage_request` on a kernel's control channel through @jupyterlab/services.
//
// On connect, the library sends `kernel_info_request` on the shell channel and holds every
// message sent before the socket is 'connected' in a queue until that reply comes (or its
// kernel-info timeout, 3 s): while a long cell runs, the shell answers only when the cell ends.
// A message sent once the socket is connected, with nothing queued, goes out at once. So the
// poller sends only while `connectionStatus === 'connected'`, and since it never has two
// requests out, nothing of ours is ever queued behind the shell.

import { KernelMessage, type Kernel } from '@jupyterlab/services';
import type { PendingUsageRequest } from './usagePoller';

export function sendUsageRequest(connection: Kernel.IKernelConnection): PendingUsageRequest | undefined {
  if (connection.isDisposed || connection.connectionStatus !== 'connected' || connection.status === 'dead') return undefined;
  // usage_request is not among the library's typed messages (it is newer than its union).
  const message = KernelMessage.createMessage({
    msgType: 'usage_request',
    channel: 'control',
    session: connection.clientId,
    username: connection.username,
    content: {},
  } as unknown as KernelMessage.IOptions<KernelMessage.IInterruptRequestMsg>);
  let future: Kernel.IControlFuture;
  try {
    future = connection.sendControlMessage(message, true, false);
  } catch {
    return undefined; // the kernel died in between
  }
  // Disposing the future (on a reply, or when given up) rejects `done`; that is expected.
  future.done.catch(() => undefined);
  let kernelMs: number | undefined;
  const reply = new Promise<unknown>((resolve) => {
    future.onReply = (msg) => {
      const date = Date.parse(msg.header.date);
      kernelMs = Number.isFinite(date) ? date : undefined;
      resolve(msg.content);
      future.dispose(); // the busy/idle status that follows on iopub is not needed
    };
  });
  return { reply, cancel: () => future.dispose(), kernelTime: () => kernelMs };
}
