import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { discoverLocalServers, jupyterRuntimeDir, parseServerFiles } from '../../src/remote/runtimeDir';

const dir = mkdtempSync(join(tmpdir(), 'kmw-runtime-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// What jupyter_server 1.23 writes (ServerApp.server_info), trimmed to the fields read.
const JPSERVER = JSON.stringify({ base_url: '/user/demo/', hostname: '127.0.0.1', pid: 111, port: 8888, root_dir: '/srv/nb', secure: false, token: 'abc', url: 'http://127.0.0.1:8888/user/demo/', version: '1.23.3' });

describe('jupyterRuntimeDir', () => {
  it('follows JUPYTER_RUNTIME_DIR, then JUPYTER_DATA_DIR, then the platform default', () => {
    assert.equal(jupyterRuntimeDir({ JUPYTER_RUNTIME_DIR: '/r' }, 'linux', '/home/u'), '/r');
    assert.equal(jupyterRuntimeDir({ JUPYTER_DATA_DIR: '/d' }, 'linux', '/home/u'), join('/d', 'runtime'));
    assert.equal(jupyterRuntimeDir({}, 'linux', '/home/u'), '/home/u/.local/share/jupyter/runtime');
    assert.equal(jupyterRuntimeDir({ XDG_DATA_HOME: '/x' }, 'linux', '/home/u'), '/x/jupyter/runtime');
    assert.equal(jupyterRuntimeDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Jupyter/runtime');
  });
});

describe('parseServerFiles', () => {
  it('reads url and token of jpserver and nbserver files, skips others and malformed ones', () => {
    const servers = parseServerFiles([
      { name: 'jpserver-111.json', text: JPSERVER },
      { name: 'nbserver-222.json', text: JSON.stringify({ url: 'http://localhost:8889', token: '', notebook_dir: '/nb', pid: 222 }) },
      { name: 'jpserver-333.json', text: '{"url": ' },
      { name: 'kernel-4.json', text: '{"url": "http://x/"}' },
      { name: 'jpserver-111-open.html', text: '<html>' },
    ]);
    assert.deepEqual(servers, [
      { url: 'http://127.0.0.1:8888/user/demo/', token: 'abc', pid: 111, rootDir: '/srv/nb', file: 'jpserver-111.json' },
      { url: 'http://localhost:8889/', token: '', pid: 222, rootDir: '/nb', file: 'nbserver-222.json' },
    ]);
  });

  it('lists one server once when both files describe it', () => {
    assert.equal(parseServerFiles([{ name: 'jpserver-111.json', text: JPSERVER }, { name: 'nbserver-111.json', text: JPSERVER }]).length, 1);
  });
});

describe('discoverLocalServers', () => {
  it('reads the directory and drops servers whose PID is gone', () => {
    writeFileSync(join(dir, 'jpserver-111.json'), JPSERVER);
    writeFileSync(join(dir, 'jpserver-999.json'), JSON.stringify({ url: 'http://127.0.0.1:9999/', token: 't', pid: 999 }));
    const servers = discoverLocalServers(dir, (pid) => pid === 111);
    assert.deepEqual(servers.map((s) => s.url), ['http://127.0.0.1:8888/user/demo/']);
    assert.deepEqual(discoverLocalServers(join(dir, 'missing')), []);
  });
});
