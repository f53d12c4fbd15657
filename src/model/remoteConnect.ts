// What "Connect to Jupyter Server…" offers and checks, without `vscode`: the servers found on
// this machine, the URL the user types, the key under which a server's token is kept.

import type { DiscoveredServer } from '../remote/runtimeDir';
import { parseServerUrl, ServerUrlError } from '../remote/serverUrl';

export interface ConnectChoice {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  /** The base URL to connect to; undefined for a typed text that is not a valid URL. */
  readonly url: string | undefined;
  /** A server found on this machine brings its token (from its runtime file). */
  readonly token?: string;
  readonly problem?: string;
}

/** The SecretStorage key of a server's token: one per normalised base URL. */
export function tokenSecretKey(baseUrl: string): string {
  return `kernelMemoryWatch.remote.token:${baseUrl}`;
}

/** The problem with a typed URL, in plain words, or undefined when it is usable. */
export function serverUrlProblem(text: string): string | undefined {
  if (text.trim() === '') return 'type the server\'s URL, such as http://127.0.0.1:8888/ or https://hub.example.org/user/NAME/';
  try {
    parseServerUrl(text);
    return undefined;
  } catch (error) {
    if (error instanceof ServerUrlError) return error.message;
    throw error;
  }
}

/**
 * The quick pick's rows: what the user typed (first, when it is there), then the servers
 * running on this machine that are not connected yet. Nothing is connected until one is picked.
 */
export function connectChoices(typed: string, discovered: readonly DiscoveredServer[], connected: ReadonlySet<string>): ConnectChoice[] {
  const choices: ConnectChoice[] = [];
  if (typed.trim() !== '') {
    const problem = serverUrlProblem(typed);
    choices.push(
      problem === undefined
        ? { label: parseServerUrl(typed).baseUrl, description: 'connect to this URL', url: parseServerUrl(typed).baseUrl }
        : { label: typed.trim().replace(/[?#].*$/, '?…'), description: 'not a usable URL', detail: problem, url: undefined, problem },
    );
  }
  for (const server of discovered) {
    let baseUrl: string;
    try {
      baseUrl = parseServerUrl(server.url).baseUrl;
    } catch {
      continue;
    }
    if (connected.has(baseUrl) || choices.some((choice) => choice.url === baseUrl)) continue;
    choices.push({
      label: baseUrl,
      description: 'running on this machine',
      detail: [server.rootDir && `serves ${server.rootDir}`, server.pid !== undefined && `PID ${server.pid}`].filter(Boolean).join(' · ') || undefined,
      url: baseUrl,
      token: server.token,
    });
  }
  return choices;
}
