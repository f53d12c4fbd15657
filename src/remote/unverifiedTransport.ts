// fetch and WebSocket for ONE server whose certificate the user chose not to verify (a
// self-signed certificate on a lab machine). Verification stays on for every other request of
// the process: nothing here sets NODE_TLS_REJECT_UNAUTHORIZED or a global dispatcher or agent.
//
// fetch: undici's own fetch, Request and Headers with an Agent of its own whose TLS connect
// skips verification (Node's bundled undici does not export Agent; mixing the npm Agent with
// the global fetch ties the two versions together). undici is required only here, when such a
// server is connected: loading it costs ≈100 ms, which activation never pays.
// WebSocket: `ws` with `rejectUnauthorized: false` on this server's connections only.

import WebSocket from 'ws';

type Undici = typeof import('undici');

export interface UnverifiedTransport {
  readonly fetch: typeof globalThis.fetch;
  readonly Request: typeof globalThis.Request;
  readonly Headers: typeof globalThis.Headers;
  readonly WebSocket: typeof globalThis.WebSocket;
}

export function unverifiedTransport(): UnverifiedTransport {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use only (see above)
  const undici = require('undici') as Undici;
  const dispatcher = new undici.Agent({ connect: { rejectUnauthorized: false } });
  const fetchUnverified = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    undici.fetch(input as Parameters<Undici['fetch']>[0], { ...(init as Parameters<Undici['fetch']>[1]), dispatcher }) as unknown as Promise<Response>;
  return {
    fetch: fetchUnverified,
    // The library builds each request with settings.Request: undici's fetch takes its own.
    Request: undici.Request as unknown as typeof globalThis.Request,
    Headers: undici.Headers as unknown as typeof globalThis.Headers,
    WebSocket: UnverifiedWebSocket as unknown as typeof globalThis.WebSocket,
  };
}

/** `ws` as the library constructs it, `new WebSocket(url, protocols)`, without certificate checks. */
class UnverifiedWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, { rejectUnauthorized: false });
  }
}
