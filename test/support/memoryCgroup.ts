// A memory cgroup of the test's own, with a limit, to put a real kernel in (as a JupyterHub pod
// puts its server): cgroup v2 under this process's unified cgroup when its memory controller is
// delegated there, else cgroup v1 under this process's memory cgroup. Root can make one on CI's
// machines; where the cgroup file system is read-only, `create` returns undefined and says why.

import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProcCgroup } from '../../src/core/limits';

export class MemoryCgroup {
  private constructor(
    readonly dir: string,
    readonly version: 'cgroup-v2' | 'cgroup-v1',
    readonly limitBytes: number,
  ) {}

  /** A new cgroup with `limitBytes` as its memory limit, or the reason there can be none here. */
  static create(limitBytes: number): MemoryCgroup | string {
    const lines = parseProcCgroup(readFileSync('/proc/self/cgroup', 'latin1'));
    const name = `kmw-test-${process.pid}-${Date.now()}`;
    const unified = lines.find((line) => line.controllers.length === 0);
    const v2Root = existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup' : existsSync('/sys/fs/cgroup/unified/cgroup.controllers') ? '/sys/fs/cgroup/unified' : undefined;
    const reasons: string[] = [];
    if (unified && v2Root) {
      const parent = join(v2Root, unified.path);
      try {
        if (!readFileSync(join(parent, 'cgroup.subtree_control'), 'latin1').split(/\s+/).includes('memory')) throw new Error('the memory controller is not delegated here');
        const dir = join(parent, name);
        mkdirSync(dir);
        writeFileSync(join(dir, 'memory.max'), String(limitBytes));
        tryWrite(join(dir, 'memory.swap.max'), '0'); // at the limit, the OOM killer, not swap
        return new MemoryCgroup(dir, 'cgroup-v2', limitBytes);
      } catch (error) {
        reasons.push(`cgroup v2 under ${parent}: ${(error as Error).message}`);
      }
    }
    const v1 = lines.find((line) => line.controllers.includes('memory'));
    if (v1) {
      const parent = join('/sys/fs/cgroup/memory', v1.path);
      try {
        const dir = join(parent, name);
        mkdirSync(dir);
        writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes));
        tryWrite(join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes)); // at the limit, the OOM killer, not swap
        // A process moved in brings its memory along (v1 only; v2 never moves charges, so there a
        // process moved in is limited in what it allocates afterwards, not in what it holds).
        tryWrite(join(dir, 'memory.move_charge_at_immigrate'), '1');
        return new MemoryCgroup(dir, 'cgroup-v1', limitBytes);
      } catch (error) {
        reasons.push(`cgroup v1 under ${parent}: ${(error as Error).message}`);
      }
    }
    return reasons.join('; ') || 'no memory cgroup hierarchy is mounted';
  }

  /** Moves a process (only that thread group) into this cgroup. */
  enter(pid: number): void {
    writeFileSync(join(this.dir, 'cgroup.procs'), String(pid));
  }

  /** Removes the cgroup; its processes must have exited or moved out. */
  remove(): void {
    try {
      rmdirSync(this.dir);
    } catch {
      // a process is still inside: the caller stops it first; an empty dir left behind is harmless
    }
  }
}

function tryWrite(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch {
    // no swap accounting here: without swap, the limit alone makes the OOM killer act
  }
}
