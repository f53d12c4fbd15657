// The two rejections @jupyterlab/services leaves unhandled when a kernel dies or its connection
// closes (src/remote/libraryRejections.ts), produced on a real server: each is shown on a plain
// KernelConnection first (so the test can fail), then on one guarded as the product's are.
// An unhandled rejection would end `watch --server` and fail this file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KernelConnection, type Kernel } from '@jupyterlab/services';
import { guardLibraryRejections, isLibraryOwnRejection } from '../../src/remote/libraryRejections';
import { TestJupyterServer } from '../support/jupyterServer';
import { until } from '../support/wait';

let server: TestJupyterServer;
const connections: Kernel.IKernelConnection[] = [];
const stopped: number[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

before(async () => {
  server = await TestJupyterServer.start();
  process.on('unhandledRejection', onUnhandled);
});
after(async () => {
  for (const pid of stopped) signal(pid, 'SIGCONT');
  connections.forEach((connection) => connection.dispose());
  await server?.stop();
  process.off('unhandledRejection', onUnhandled);
});

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** A new kernel with an idle connection to it, guarded or not, and the kernel's PID. */
async function connectedKernel(notebook: string, guarded: boolean): Promise<{ connection: Kernel.IKernelConnection; pid: number; kernelId: string }> {
  const before = new Set(server.kernelPids());
  const { kernelId } = await server.createSession(notebook);
  const plain = new KernelConnection({ model: { id: kernelId, name: 'python3' }, serverSettings: server.settings, handleComms: false });
  const connection = guarded ? guardLibraryRejections(plain) : plain;
  connections.push(connection);
  await until(`${notebook}'s connection`, () => connection.connectionStatus === 'connected' && connection.status === 'idle', 60_000, 50);
  const pid = await until(`${notebook}'s kernel PID`, () => server.kernelPids().find((candidate) => !before.has(candidate)), 30_000, 50);
  return { connection, pid, kernelId };
}

/** A kernel_info_request pending on a stopped kernel, then the kernel killed: the server restarts it, and the library cancels the request. */
async function kernelInfoCanceledByRestart(connection: Kernel.IKernelConnection, pid: number): Promise<PromiseSettledResult<unknown>> {
  signal(pid, 'SIGSTOP');
  stopped.push(pid);
  const settled = connection.requestKernelInfo().then(
    (value) => ({ status: 'fulfilled', value }) as const,
    (reason: unknown) => ({ status: 'rejected', reason }) as const,
  );
  signal(pid, 'SIGKILL');
  return settled;
}

/** The server's restart of a killed kernel, then the connection closed while the library reconnects to it. */
async function closedWhileReconnecting(connection: Kernel.IKernelConnection, pid: number): Promise<void> {
  let autorestarting = false;
  connection.statusChanged.connect((_, status) => void (autorestarting ||= status === 'autorestarting'));
  const reconnecting = new Promise<void>((resolve) => {
    connection.connectionStatusChanged.connect((_, status) => {
      if (status === 'connecting' && autorestarting) resolve();
    });
  });
  signal(pid, 'SIGKILL');
  await reconnecting;
  connection.dispose();
  // the rejection, if left unhandled, is reported once the microtasks run out: two turns later
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

describe("@jupyterlab/services' own rejections when a kernel dies, on a real server", { concurrency: 1 }, () => {
  it('a plain connection: its kernel_info_request rejects when the server restarts the kernel under it', async () => {
    const { connection, pid } = await connectedKernel('plain-info.ipynb', false);
    const result = await kernelInfoCanceledByRestart(connection, pid);
    assert.equal(result.status, 'rejected');
    assert.ok(result.status === 'rejected' && isLibraryOwnRejection(result.reason), String(result.status === 'rejected' && result.reason));
    // the library's own reconnect after the restart: let it finish before this connection closes
    await until('the plain connection back on the restarted kernel', () => connection.connectionStatus === 'connected' && connection.status === 'idle', 60_000, 50);
  });

  it('a guarded connection: the same request resolves to undefined', async () => {
    const { connection, pid } = await connectedKernel('guarded-info.ipynb', true);
    const result = await kernelInfoCanceledByRestart(connection, pid);
    assert.deepEqual(result, { status: 'fulfilled', value: undefined });
    await until('the guarded connection back on the restarted kernel', () => connection.connectionStatus === 'connected' && connection.status === 'idle', 60_000, 50);
  });

  it("a plain connection's reconnect rejects when it is closed meanwhile", async () => {
    const { connection } = await connectedKernel('plain-reconnect.ipynb', false);
    const reconnect = connection.reconnect();
    connection.dispose();
    await assert.rejects(reconnect, (error: unknown) => isLibraryOwnRejection(error));
  });

  it('a guarded connection closed while the library reconnects to a restarted kernel leaves no unhandled rejection', async () => {
    const { connection, pid } = await connectedKernel('guarded-reconnect.ipynb', true);
    await closedWhileReconnecting(connection, pid);
    assert.deepEqual(unhandled.map(String), []);
  });
});
