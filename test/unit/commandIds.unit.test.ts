// Every command id in src/vscode/commandIds.ts is contributed in package.json and the other way
// round, and every menu names a contributed command.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '../..');

interface Manifest {
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]> };
}

describe('command ids', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
  const source = readFileSync(join(ROOT, 'src/vscode/commandIds.ts'), 'utf8');
  const ids = [...source.matchAll(/^\s*\w+ = '([\w.]+)',?$/gm)].map((match) => match[1]);
  const contributed = manifest.contributes.commands.map((entry) => entry.command);

  it('are the commands package.json contributes, each once', () => {
    assert.ok(ids.length >= 9, `found ${ids.length} ids`);
    assert.deepEqual([...ids].sort(), [...contributed].sort());
    assert.equal(new Set(contributed).size, contributed.length);
  });

  it('are the only commands the menus name', () => {
    for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
      for (const entry of entries) assert.ok(contributed.includes(entry.command), `${menu} names ${entry.command}`);
    }
  });
});
