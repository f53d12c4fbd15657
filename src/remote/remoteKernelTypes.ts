// The Jupyter Server source's public shapes (what the CLI and the VS Code adapter read) and
// the state it keeps per kernel. Pure.

import type { Kernel } from '@jupyterlab/services';
import type { MemoryLimit } from '../core/limits';
import type { TreeExit, TreeSample } from '../core/sampler';
import type { RemoteCellLedger } from './remoteCellLedger';
import type { UsagePoller } from './usagePoller';

export type RemoteKernelState =
  | 'connecting'
  | 'sampling'
  | 'not-answering'
  | 'no-usage'
  /** Shut down, culled, or the server went away: its series has ended. */
  | 'ended';

export interface RemoteKernelView {
  /** The series key: stable across restarts (a restart keeps the kernel id). */
  readonly key: string;
  readonly server: string;
  readonly kernelId: string;
  readonly kernelName: string;
  /** The session's notebook path, when a session holds the kernel. */
  readonly notebook: string | undefined;
  readonly label: string;
  readonly pid: number | undefined;
  readonly hostname: string | undefined;
  /** True while its PID is read from this machine's /proc instead of usage requests. */
  readonly sampledLocally: boolean;
  readonly state: RemoteKernelState;
  /** Why it is not sampled (state not-answering or no-usage), in plain words. */
  readonly reason: string | undefined;
  /** The kernel's own execution state: idle, busy, starting, restarting, dead… */
  readonly executionState: string;
  readonly limit: MemoryLimit | undefined;
  readonly lastBytes: number;
  readonly restarts: number;
  /** New connections made because it stopped answering. */
  readonly reconnects: number;
}

export interface RemoteKernelSample extends TreeSample {
  readonly kernelId: string;
  readonly server: string;
  /** `usage_reply`: PSS (else RSS) of kernel and children as the kernel reports it; `procfs`: RSS read here. */
  readonly origin: 'usage_reply' | 'procfs';
  /** The usage_request round trip (usage_reply samples only). */
  readonly roundTripMs?: number;
}

export interface RemoteKernelExit extends TreeExit {
  readonly kernelId: string;
  readonly server: string;
  readonly cause: 'shut-down' | 'server-gone';
}

/** The server said the kernel died (it restarts it, or gives up): what a post-mortem needs. */
export interface RemoteKernelDeath {
  readonly key: string;
  readonly kernelId: string;
  readonly server: string;
  readonly label: string;
  readonly t: number;
  readonly lastBytes: number;
  readonly recentPeakBytes: number;
  readonly limit: MemoryLimit | undefined;
  /** The cell it was running, when the ledger saw it start. */
  readonly runningCell: { readonly label: string; readonly executionOrder: number | null } | undefined;
}

export interface RemoteKernelRestart {
  readonly key: string;
  readonly kernelId: string;
  readonly server: string;
  readonly t: number;
  readonly previousPid: number | undefined;
  readonly pid: number | undefined;
}

export interface JupyterServerSourceOptions {
  /** Base URL, e.g. `http://127.0.0.1:8888/user/demo/`, without a token. */
  readonly url: string;
  readonly token: string;
  /** False: this server's https certificate is not checked (this source's requests only). Default true. */
  readonly verifyCertificate?: boolean;
  /** Between two usage requests to a kernel (default 1000 ms). */
  readonly intervalMs?: number;
  /** Between two listings of kernels and sessions (default 3000 ms). */
  readonly refreshMs?: number;
  /** Failed listings in a row after which the server counts as gone (default 3). */
  readonly goneAfterFailures?: number;
  /** Read the PID from /proc when the kernel runs on this machine (default true). */
  readonly sampleLocally?: boolean;
  readonly limitOverrideBytes?: number;
  /** A kernel not answering this long gets a new connection (default 10 s), then again each time as long. */
  readonly reconnectAfterMs?: number;
  /** Whom to compare usage_reply's hostname with (default os.hostname()). */
  readonly localHostname?: string;
  readonly now?: () => number;
}

/** What the source keeps per kernel (internal to src/remote). */
export interface KernelEntry {
  readonly kernelId: string;
  readonly key: string;
  kernelName: string;
  notebook: string | undefined;
  connection: Kernel.IKernelConnection;
  poller: UsagePoller;
  /** Its cells, from iopub (see remoteCellLedger.ts). */
  cells: RemoteCellLedger;
  pid: number | undefined;
  hostname: string | undefined;
  hostTotalBytes: number | undefined;
  /** The kernel's own cgroup limit, from the kernel bridge's probe (only after the user allowed code). */
  probedLimit: MemoryLimit | undefined;
  localKey: string | undefined;
  state: RemoteKernelState;
  reason: string | undefined;
  executionState: string;
  limit: MemoryLimit | undefined;
  lastBytes: number;
  /** The highest figure of the last seconds, decaying (what a death is judged by). */
  recentPeakBytes: number;
  restarts: number;
  /** Since when it has not answered (ms), while it does not. */
  silentSince: number | undefined;
  /** New connections made because it stopped answering. */
  reconnects: number;
}

/** The notebook's path when a session holds the kernel, else the kernel's name and short id. */
export function kernelLabel(notebook: string | undefined, kernelName: string, kernelId: string): string {
  return notebook ?? `${kernelName} kernel ${kernelId.slice(0, 8)}`;
}

export function viewOf(entry: KernelEntry, server: string): RemoteKernelView {
  return {
    key: entry.key,
    server,
    kernelId: entry.kernelId,
    kernelName: entry.kernelName,
    notebook: entry.notebook,
    label: kernelLabel(entry.notebook, entry.kernelName, entry.kernelId),
    pid: entry.pid,
    hostname: entry.hostname,
    sampledLocally: entry.localKey !== undefined,
    state: entry.state,
    reason: entry.reason,
    executionState: entry.executionState,
    limit: entry.limit,
    lastBytes: entry.lastBytes,
    restarts: entry.restarts,
    reconnects: entry.reconnects,
  };
}
