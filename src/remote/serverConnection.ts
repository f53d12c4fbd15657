// Settings for @jupyterlab/services in Node, and the first contact with a server, whose
// failures become plain messages. The token is sent as a header (REST) and a query parameter
// (websocket), and never appears in a message.

import { ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';
import type { ServerAddress } from './serverUrl';

export type ServerErrorKind = 'refused-token' | 'unreachable' | 'not-jupyter' | 'http';

export class RemoteServerError extends Error {
  constructor(
    readonly kind: ServerErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteServerError';
  }
}

/** `ServerConnection.makeSettings` with Node's fetch and `ws` as the WebSocket. */
export function makeServerSettings(address: ServerAddress, token: string): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: address.baseUrl,
    wsUrl: address.wsUrl,
    token,
    appendToken: true,
    // `ws` implements the browser WebSocket's interface the library uses (onopen, onmessage, send).
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    fetch: fetchKeepingCause,
    init: { cache: 'no-store' },
  });
}

/**
 * Node's fetch, with the system error's code kept in the message: the library wraps a failed
 * fetch in a NetworkError that keeps only the message, and undici's is just "fetch failed".
 */
async function fetchKeepingCause(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (error) {
    const code = networkCode(error);
    throw new TypeError(code ? `fetch failed (${code})` : 'fetch failed');
  }
}

/** A plain reason for a failed request: the server's URL is named, the token never is. */
export function describeRequestFailure(address: ServerAddress, error: unknown): RemoteServerError {
  if (error instanceof RemoteServerError) return error;
  const status = (error as { response?: { status?: number } }).response?.status;
  if (status !== undefined) return httpError(address, status);
  const code = networkCode(error);
  const why =
    code === 'ECONNREFUSED' ? 'connection refused (is the server running?)'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the host name does not resolve'
    : code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' ? 'the connection timed out'
    : code?.startsWith('CERT_') || code?.includes('SELF_SIGNED') || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ? `its certificate is not trusted (${code})`
    : code ? code : 'no answer';
  return new RemoteServerError('unreachable', `cannot reach the Jupyter Server at ${address.display}: ${why}`);
}

export function httpError(address: ServerAddress, status: number): RemoteServerError {
  if (status === 403 || status === 401) {
    return new RemoteServerError('refused-token', `the Jupyter Server at ${address.display} refused the token (HTTP ${status}): check the token you passed`);
  }
  if (status === 404) {
    return new RemoteServerError('not-jupyter', `no Jupyter Server API at ${address.display} (HTTP 404): check the URL and its base path (such as /user/NAME/)`);
  }
  return new RemoteServerError('http', `the Jupyter Server at ${address.display} answered HTTP ${status}`);
}

/** GET api/status with the token: proves the URL is a Jupyter Server and the token is accepted. */
export async function checkServer(address: ServerAddress, settings: ServerConnection.ISettings): Promise<void> {
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(`${address.baseUrl}api/status`, {}, settings);
  } catch (error) {
    throw describeRequestFailure(address, error);
  }
  if (!response.ok) throw httpError(address, response.status);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || !('started' in body || 'kernels' in body)) {
    throw new RemoteServerError('not-jupyter', `${address.display} answered, but not as a Jupyter Server: check the URL`);
  }
}

function networkCode(error: unknown): string | undefined {
  // The library wraps fetch's TypeError in a NetworkError; undici puts the system error in `cause`.
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  const kept = error instanceof Error ? /^fetch failed \(([A-Z0-9_]+)\)$/.exec(error.message) : null;
  return kept ? kept[1] : undefined;
}
