// A Jupyter Server's address as the user typed it, checked and normalised. Pure.

export class ServerUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerUrlError';
  }
}

export interface ServerAddress {
  /** http(s) base URL ending in `/`, e.g. `http://127.0.0.1:8888/user/demo/`. */
  readonly baseUrl: string;
  /** The same with ws(s): the kernel channels live under it. */
  readonly wsUrl: string;
  /** What messages, labels and JSON show: the base URL (it never carries a token). */
  readonly display: string;
}

/**
 * Parses `http://host:port/base/`. A JupyterHub single-user server lives under a base URL such as
 * `/user/<name>/`; the path is kept and given a trailing slash. A token in the query (what
 * `jupyter server list` prints) is refused, so it never lands in argv or settings: the token is
 * passed apart. Messages never repeat the query.
 */
export function parseServerUrl(raw: string): ServerAddress {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ServerUrlError(`"${withoutQuery(text)}" is not a URL; expected something like http://127.0.0.1:8888/`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ServerUrlError(`a Jupyter Server URL starts with http:// or https:// (got ${url.protocol}//)`);
  }
  if (url.searchParams.has('token')) {
    throw new ServerUrlError('the URL carries a token: pass the token apart (the environment variable JUPYTER_TOKEN), not in the URL');
  }
  if (url.username || url.password) throw new ServerUrlError('the URL carries a user name or password: pass the token apart instead');
  let path = url.pathname;
  // `…/lab`, `…/tree` and `…/lab/tree/x.ipynb` are pages of the server, not its base.
  path = path.replace(/\/(lab|tree|notebooks)(\/.*)?$/, '/');
  if (!path.endsWith('/')) path += '/';
  const baseUrl = `${url.protocol}//${url.host}${path}`;
  return { baseUrl, wsUrl: `ws${baseUrl.slice(4)}`, display: baseUrl };
}

function withoutQuery(text: string): string {
  const cut = text.search(/[?#]/);
  return cut < 0 ? text : `${text.slice(0, cut)}?…`;
}
