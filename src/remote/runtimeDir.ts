// Jupyter servers running on this machine, from the files they leave in Jupyter's runtime
// directory (`jpserver-<pid>.json`; the classic notebook's `nbserver-<pid>.json`). They are
// offered to the user, never connected to silently. No network is touched.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface DiscoveredServer {
  /** The base URL (`url` of the file), with a trailing slash. */
  readonly url: string;
  /** Kept apart from the URL; an empty token means the server asks for none. */
  readonly token: string;
  readonly pid: number | undefined;
  readonly rootDir: string | undefined;
  readonly file: string;
}

/** `JUPYTER_RUNTIME_DIR`, else the platform's default under Jupyter's data directory. */
export function jupyterRuntimeDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  if (env.JUPYTER_RUNTIME_DIR) return env.JUPYTER_RUNTIME_DIR;
  if (env.JUPYTER_DATA_DIR) return join(env.JUPYTER_DATA_DIR, 'runtime');
  if (platform === 'darwin') return join(home, 'Library', 'Jupyter', 'runtime');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'jupyter', 'runtime');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'jupyter', 'runtime');
}

const SERVER_FILE = /^(jpserver|nbserver)-(\d+)\.json$/;

/** The servers described by a runtime directory's files (name and text); malformed files are skipped. */
export function parseServerFiles(files: ReadonlyArray<{ readonly name: string; readonly text: string }>): DiscoveredServer[] {
  const servers: DiscoveredServer[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const match = SERVER_FILE.exec(file.name);
    if (!match) continue;
    let info: Record<string, unknown>;
    try {
      info = JSON.parse(file.text) as Record<string, unknown>;
    } catch {
      continue; // being written, or not Jupyter's
    }
    if (typeof info !== 'object' || info === null || typeof info.url !== 'string') continue;
    const url = info.url.endsWith('/') ? info.url : `${info.url}/`;
    if (seen.has(url)) continue; // jpserver and nbserver files of one server
    seen.add(url);
    const pid = typeof info.pid === 'number' ? info.pid : Number(match[2]);
    servers.push({
      url,
      token: typeof info.token === 'string' ? info.token : '',
      pid: Number.isSafeInteger(pid) && pid > 0 ? pid : undefined,
      rootDir: typeof info.root_dir === 'string' ? info.root_dir : typeof info.notebook_dir === 'string' ? info.notebook_dir : undefined,
      file: file.name,
    });
  }
  return servers;
}

/**
 * Reads the runtime directory. `isAlive` drops files left by servers that died (the file names
 * the PID); by default a PID is alive when signal 0 reaches it.
 */
export function discoverLocalServers(dir: string, isAlive: (pid: number) => boolean = pidAlive): DiscoveredServer[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: Array<{ name: string; text: string }> = [];
  for (const name of names.filter((n) => SERVER_FILE.test(n)).sort()) {
    try {
      files.push({ name, text: readFileSync(join(dir, name), 'utf8') });
    } catch {
      // removed meanwhile
    }
  }
  return parseServerFiles(files).filter((server) => server.pid === undefined || isAlive(server.pid));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
