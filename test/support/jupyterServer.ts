// A real Jupyter Server (Debian's python3-jupyter-server) for the integration tests and the
// benchmark: 127.0.0.1, a free port, a random token, a temporary root directory; with `https`, a
// self-signed certificate made at start with openssl. Cells run over the kernel websocket with
// @jupyterlab/services, as any Jupyter front end runs them.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelConnection, type Kernel, type KernelMessage, type ServerConnection } from '@jupyterlab/services';
import { Agent, fetch as undiciFetch } from 'undici';
import { guardLibraryRejections } from '../../src/remote/libraryRejections';
import { makeServerSettings } from '../../src/remote/serverConnection';
import { parseServerUrl } from '../../src/remote/serverUrl';
import { freePort, until } from './wait';

export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface StartOptions {
  /** e.g. `/user/demo/`, as a JupyterHub single-user server has. */
  readonly baseUrl?: string;
  /** Extra kernelspecs (name → kernel.json), found by the server through JUPYTER_PATH. */
  readonly kernelSpecs?: Readonly<Record<string, object>>;
  /** Serve https with a self-signed certificate for 127.0.0.1, made for this server. */
  readonly https?: boolean;
  /** Run the server, and so every kernel it starts, in this memory cgroup (as in a pod with a limit). */
  readonly cgroup?: { enter(pid: number): void };
}

export class TestJupyterServer {
  private readonly connections: Kernel.IKernelConnection[] = [];
  private stopped = false;
  private trusting: Agent | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly token: string,
    readonly rootDir: string,
    private readonly log: () => string,
    /** The self-signed certificate (PEM) of an https server. */
    readonly certificate: string | undefined,
    private readonly tlsDir: string | undefined,
  ) {}

  static async start(options: StartOptions = {}): Promise<TestJupyterServer> {
    const port = await freePort();
    const token = randomBytes(16).toString('hex');
    const rootDir = mkdtempSync(join(tmpdir(), 'kmw-jupyter-'));
    const runtimeDir = join(rootDir, '.runtime');
    const baseUrl = options.baseUrl ?? '/';
    const jupyterPath = join(rootDir, '.jupyter-path');
    for (const [name, spec] of Object.entries(options.kernelSpecs ?? {})) {
      mkdirSync(join(jupyterPath, 'kernels', name), { recursive: true });
      writeFileSync(join(jupyterPath, 'kernels', name, 'kernel.json'), JSON.stringify(spec));
    }
    const args = [
      '-m', 'jupyter_server',
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      `--ServerApp.root_dir=${rootDir}`,
      `--ServerApp.base_url=${baseUrl}`,
      '--allow-root',
      '--no-browser',
    ];
    // The key lives outside the served root directory and goes with the server.
    const tlsDir = options.https ? mkdtempSync(join(tmpdir(), 'kmw-tls-')) : undefined;
    let certificate: string | undefined;
    if (tlsDir) {
      const [certfile, keyfile] = [join(tlsDir, 'cert.pem'), join(tlsDir, 'key.pem')];
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyfile, '-out', certfile], { stdio: 'ignore' });
      certificate = readFileSync(certfile, 'utf8');
      args.push(`--ServerApp.certfile=${certfile}`, `--ServerApp.keyfile=${keyfile}`);
    }
    // The token goes through the environment, as users are told to pass it, never argv.
    const env = { ...process.env, JUPYTER_TOKEN: token, JUPYTER_RUNTIME_DIR: runtimeDir, JUPYTER_PATH: jupyterPath, PYTHONUNBUFFERED: '1' };
    const child = spawn(SYSTEM_PYTHON, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    options.cgroup?.enter(child.pid!); // before it starts any kernel: they are born inside
    let output = '';
    child.stdout?.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr?.on('data', (data: Buffer) => (output += data.toString()));
    const url = `${tlsDir ? 'https' : 'http'}://127.0.0.1:${port}${baseUrl}`;
    const server = new TestJupyterServer(child, url, token, rootDir, () => output, certificate, tlsDir);
    try {
      await until(
        'the Jupyter Server to answer /api/status',
        async () => {
          if (child.exitCode !== null) throw new Error(`jupyter_server exited with ${child.exitCode}:\n${output}`);
          const response = await server.fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } }).catch(() => undefined);
          return response?.ok === true;
        },
        60_000,
        250,
      );
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The test's own client settings (its cells); for an https server, without certificate checks. */
  get settings(): ServerConnection.ISettings {
    return makeServerSettings(parseServerUrl(this.url), this.token, { verifyCertificate: this.certificate === undefined });
  }

  /** fetch for the test's REST calls: an https server's own certificate is trusted, nothing else. */
  fetch(url: string, init: RequestInit): Promise<Response> {
    if (this.certificate === undefined) return fetch(url, init);
    this.trusting ??= new Agent({ connect: { ca: this.certificate } });
    return undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: this.trusting }) as unknown as Promise<Response>;
  }

  /** POST /api/sessions: a kernel for a notebook path, as JupyterLab opens a notebook. */
  async createSession(path: string, kernelName = 'python3'): Promise<{ sessionId: string; kernelId: string }> {
    const response = await this.api('api/sessions', { method: 'POST', body: JSON.stringify({ path, type: 'notebook', name: path, kernel: { name: kernelName } }) });
    const body = (await response.json()) as { id: string; kernel: { id: string } };
    return { sessionId: body.id, kernelId: body.kernel.id };
  }

  async restartKernel(kernelId: string): Promise<void> {
    await this.api(`api/kernels/${kernelId}/restart`, { method: 'POST' });
  }

  async shutdownKernel(kernelId: string): Promise<void> {
    await this.api(`api/kernels/${kernelId}`, { method: 'DELETE' });
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.api(`api/sessions/${sessionId}`, { method: 'DELETE' });
  }

  /** How many websockets are open to a kernel (the server's own count): a watcher has connected when it grows. */
  async kernelConnections(kernelId: string): Promise<number> {
    const model = (await (await this.api(`api/kernels/${kernelId}`, { method: 'GET' })).json()) as { connections?: number };
    return model.connections ?? 0;
  }

  /** The kernels the server started (its direct children). */
  kernelPids(): number[] {
    return listChildren(this.pid);
  }

  /** A websocket client to a kernel (what a notebook front end holds), for running cells. */
  connect(kernelId: string): Kernel.IKernelConnection {
    // the notebook front end's client, guarded as the product's own (see src/remote/libraryRejections.ts)
    const connection = guardLibraryRejections(new KernelConnection({ model: { id: kernelId, name: 'python3' }, serverSettings: this.settings, handleComms: false }));
    this.connections.push(connection);
    return connection;
  }

  /**
   * Starts a cell; `done` resolves with its execute_reply status, `stdout()` is what it printed so
   * far. With `storeHistory` it runs as a notebook's cell does: it gets an execution count and
   * IPython keeps its last expression's value in `Out[n]`.
   */
  async execute(kernel: Kernel.IKernelConnection, code: string, options: { storeHistory?: boolean } = {}): Promise<{ done: Promise<string>; stdout: () => string }> {
    await until('the test client to connect', () => kernel.connectionStatus === 'connected', 30_000, 50);
    const future = kernel.requestExecute({ code, store_history: options.storeHistory ?? false, allow_stdin: false });
    let stdout = '';
    future.onIOPub = (message) => {
      if (message.header.msg_type === 'stream') stdout += (message.content as KernelMessage.IStreamMsg['content']).text;
      if (message.header.msg_type === 'error') stdout += `ERROR ${(message.content as KernelMessage.IErrorMsg['content']).evalue}`;
    };
    const done = future.done.then((reply: KernelMessage.IExecuteReplyMsg) => reply.content.status);
    return { done, stdout: () => stdout };
  }

  /** Waits until the kernel is busy running a cell (iopub status), after `execute`. */
  async waitBusy(kernel: Kernel.IKernelConnection): Promise<void> {
    await until('the kernel to be busy', () => kernel.status === 'busy', 30_000, 20);
  }

  async stop(): Promise<void> {
    if (this.stopped) return; // the PID may belong to another process by now
    this.stopped = true;
    for (const connection of this.connections) connection.dispose();
    const kernels = listChildren(this.pid);
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      await until('jupyter_server to stop', () => this.child.exitCode !== null || this.child.signalCode !== null, 15_000, 50).catch(() => {
        this.child.kill('SIGKILL');
      });
    }
    // The server shuts its kernels down on SIGTERM; any it could not are ended here by PID.
    for (const pid of kernels) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await this.trusting?.close();
    rmSync(this.rootDir, { recursive: true, force: true });
    if (this.tlsDir) rmSync(this.tlsDir, { recursive: true, force: true });
  }

  output(): string {
    return this.log();
  }

  writeFile(name: string, text: string): void {
    writeFileSync(join(this.rootDir, name), text);
  }

  private async api(path: string, init: RequestInit): Promise<Response> {
    const response = await this.fetch(`${this.url}${path}`, { ...init, headers: { Authorization: `token ${this.token}`, 'Content-Type': 'application/json' } });
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${response.status}`);
    return response;
  }
}

/** Direct children of a PID, from /proc (the kernels a server started). */
export function listChildren(parent: number): number[] {
  const children: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return children;
}

// An ipykernel as old as 6.10: it does not know usage_request and drops it without a reply.
export const OLD_IPYKERNEL = {
  argv: [
    SYSTEM_PYTHON,
    '-c',
    "from ipykernel.kernelbase import Kernel; Kernel.control_msg_types = [m for m in Kernel.control_msg_types if m != 'usage_request']; from ipykernel import kernelapp; kernelapp.launch_new_instance()",
    '-f',
    '{connection_file}',
  ],
  display_name: 'Python 3 (ipykernel without usage_request)',
  language: 'python',
};
