// Two promises that @jupyterlab/services (7.x, lib/kernel/default.js) starts for itself and never
// handles. Both reject when a kernel dies or its connection is closed at the wrong moment:
// - on connecting, it sends `kernel_info_request` and only `void p.then(…)`s the reply; when the
//   server restarts a dead kernel first, clearing the kernel state cancels that future and
//   `requestKernelInfo()` rejects ("Canceled future for kernel_info_request message …");
// - on the server's `restarting` status it runs `await this.reconnect()` in a detached promise;
//   closing the connection during that reconnect rejects it ("Kernel connection disconnected").
// In the CLI an unhandled rejection ends the process (Node's default); in the extension host it is
// logged as an error; in a test it fails the file. Neither result is awaited by anything of ours,
// so the connection's own two methods are wrapped to let just these two rejections go.

import type { Kernel } from '@jupyterlab/services';

const LIBRARY_OWN_REJECTIONS = [/^Canceled future for kernel_info_request message/, /^Kernel connection disconnected$/];

/** Whether a rejection is one of the two the library leaves unhandled when a kernel dies or its connection closes. */
export function isLibraryOwnRejection(reason: unknown): boolean {
  const message = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
  return LIBRARY_OWN_REJECTIONS.some((pattern) => pattern.test(message));
}

/** Wraps the connection's `requestKernelInfo` and `reconnect` so those two rejections resolve to undefined; any other still rejects. */
export function guardLibraryRejections<T extends Kernel.IKernelConnection>(connection: T): T {
  const requestKernelInfo = connection.requestKernelInfo.bind(connection);
  const reconnect = connection.reconnect.bind(connection);
  connection.requestKernelInfo = () => requestKernelInfo().catch(letLibraryOwnRejectionGo);
  connection.reconnect = () => reconnect().catch(letLibraryOwnRejectionGo);
  return connection;
}

function letLibraryOwnRejectionGo(reason: unknown): undefined {
  if (isLibraryOwnRejection(reason)) return undefined;
  throw reason;
}
