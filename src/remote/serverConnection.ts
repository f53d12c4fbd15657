// Settings for @jupyterlab/services in Node, and the first contact with a server, whose
// failures become plain messages. The token is sent as a header (REST) and a query parameter
// (websocket), and never appears in a message. https certificates are verified unless the
// caller turns that off for this one server (./unverifiedTransport.ts).

import { ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';
import type { ServerAddress } from './serverUrl';
import { unverifiedTransport } from './unverifiedTransport';

/** `certificate`: an https server whose certificate this machine does not trust. */
export type ServerErrorKind = 'refused-token' | 'unreachable' | 'certificate' | 'not-jupyter' | 'http';

export class RemoteServerError extends Error {
  constructor(
    readonly kind: ServerErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteServerError';
  }
}

export interface ServerSettingsOptions {
  /** False: this server's https certificate is not checked (its requests and websockets only). Default true. */
  readonly verifyCertificate?: boolean;
}

/** `ServerConnection.makeSettings` with Node's fetch and `ws` as the WebSocket. */
export function makeServerSettings(address: ServerAddress, token: string, options: ServerSettingsOptions = {}): ServerConnection.ISettings {
  const transport =
    options.verifyCertificate === false
      ? unverifiedTransport()
      : // `ws` implements the browser WebSocket's interface the library uses (onopen, onmessage, send).
        // fetch is looked up at each call, as before: VS Code's proxy support may have patched it.
        { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), Request: globalThis.Request, Headers: globalThis.Headers, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket };
  return ServerConnection.makeSettings({
    baseUrl: address.baseUrl,
    wsUrl: address.wsUrl,
    token,
    appendToken: true,
    WebSocket: transport.WebSocket,
    Request: transport.Request,
    Headers: transport.Headers,
    fetch: keepingCause(transport.fetch),
    init: { cache: 'no-store' },
  });
}

/**
 * A fetch whose failure keeps the system error's code in the message: the library wraps a failed
 * fetch in a NetworkError that keeps only the message, and undici's is just "fetch failed".
 */
function keepingCause(fetchFn: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    try {
      return await fetchFn(input, init);
    } catch (error) {
      const code = networkCode(error);
      throw new TypeError(code ? `fetch failed (${code})` : 'fetch failed');
    }
  };
}

/** A plain reason for a failed request: the server's URL is named, the token never is. */
export function describeRequestFailure(address: ServerAddress, error: unknown): RemoteServerError {
  if (error instanceof RemoteServerError) return error;
  const status = (error as { response?: { status?: number } }).response?.status;
  if (status !== undefined) return httpError(address, status);
  const code = networkCode(error);
  const certificate = code && certificateProblem(code);
  if (certificate) return new RemoteServerError('certificate', `cannot connect to the Jupyter Server at ${address.display}: its certificate is not trusted (${certificate}; ${code})`);
  const why =
    code === 'ECONNREFUSED' ? 'connection refused (is the server running?)'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the host name does not resolve'
    : code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' ? 'the connection timed out'
    : code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' ? 'it does not answer https (try http://)'
    : code ? code : 'no answer';
  return new RemoteServerError('unreachable', `cannot reach the Jupyter Server at ${address.display}: ${why}`);
}

/** What is wrong with the server's certificate, for Node's (OpenSSL's) verification codes. */
export function certificateProblem(code: string): string | undefined {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'self-signed';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'issued by an authority this machine does not know';
    case 'CERT_HAS_EXPIRED':
      return 'expired';
    case 'CERT_NOT_YET_VALID':
      return 'not valid yet';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'issued for another host name';
    default:
      return code.startsWith('CERT_') ? 'rejected' : undefined;
  }
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
