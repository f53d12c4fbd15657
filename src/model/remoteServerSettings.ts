// `kernelMemoryWatch.remote.servers`, validated without `vscode`: each entry is a base URL, or
// `{ "url": …, "verifyCertificate": false }` for a server whose https certificate the user
// trusts without this machine being able to verify it. A malformed entry is named and skipped;
// the others are kept. A token never belongs here: one found is ignored (and never repeated).

import { parseServerUrl, ServerUrlError } from '../remote/serverUrl';

const SETTING = 'kernelMemoryWatch.remote.servers';
const KEYS = new Set(['url', 'verifyCertificate']);

export interface ConfiguredServer {
  /** The normalised base URL, e.g. `https://hub.example.org/user/ana/`. */
  readonly url: string;
  /** False only when the entry says so: that server's https certificate is not checked. */
  readonly verifyCertificate: boolean;
}

export function readServerList(value: unknown, problems: string[]): ConfiguredServer[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${SETTING} must be a list of URLs such as ["http://127.0.0.1:8888/"] (got ${describeType(value)}); connecting to none.`);
    return [];
  }
  const servers: ConfiguredServer[] = [];
  value.forEach((entry: unknown, index) => {
    const where = `${SETTING}[${index}]`;
    const server = readEntry(entry, where, problems);
    if (!server) return;
    const earlier = servers.find((other) => other.url === server.url);
    if (!earlier) servers.push(server);
    else if (earlier.verifyCertificate !== server.verifyCertificate) {
      problems.push(`${where} lists ${server.url} again with another verifyCertificate; the first entry is used.`);
    }
  });
  return servers;
}

function readEntry(entry: unknown, where: string, problems: string[]): ConfiguredServer | undefined {
  let raw: unknown = entry;
  let verifyCertificate = true;
  if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
    const fields = entry as Record<string, unknown>;
    raw = fields.url;
    if (typeof raw !== 'string') {
      problems.push(`${where} needs "url", the server's base URL, as a string (got ${describeType(raw)}); skipped.`);
      return undefined;
    }
    if (fields.verifyCertificate !== undefined && typeof fields.verifyCertificate !== 'boolean') {
      problems.push(`${where}.verifyCertificate must be true or false (got ${describeType(fields.verifyCertificate)}); skipped.`);
      return undefined;
    }
    verifyCertificate = fields.verifyCertificate !== false;
    const unknown = Object.keys(fields).filter((key) => !KEYS.has(key));
    if (unknown.includes('token')) {
      problems.push(`${where} has a "token": tokens are kept in VS Code's secret storage, never in settings; it is ignored (remove it from your settings).`);
    }
    const others = unknown.filter((key) => key !== 'token');
    if (others.length > 0) problems.push(`${where}: ${others.map((key) => `"${key}"`).join(', ')} ignored (an entry has "url" and "verifyCertificate").`);
  } else if (typeof entry !== 'string') {
    problems.push(`${where} must be a URL string or { "url": …, "verifyCertificate": false } (got ${describeType(entry)}); skipped.`);
    return undefined;
  }
  try {
    return { url: parseServerUrl(raw as string).baseUrl, verifyCertificate };
  } catch (error) {
    if (!(error instanceof ServerUrlError)) throw error;
    problems.push(`${where}: ${error.message}; skipped.`);
    return undefined;
  }
}

function describeType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
}
