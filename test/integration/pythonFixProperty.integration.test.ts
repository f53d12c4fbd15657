// Property test: on 1,000+ files of the Python standard library, every offered fix on a loop
// keeps the file compiling, puts the call inside that loop's body (or right after the loop),
// and is a no-op the second time. One long-lived /usr/bin/python3 checks with `ast`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { allLoops, loopsAt } from '../../src/python/pythonLoops';
import { PythonSource } from '../../src/python/pythonSource';
import { loopFixEdits } from '../../src/python/releaseEdits';
import { applyEdits } from '../../src/python/textEdits';
import { insertedCallLines, newlinesBefore } from '../support/fixLines';

// The standard library, then Debian's packages (numpy, pandas, IPython, …) for more files.
const ROOTS = ['/usr/lib/python3.11', '/usr/lib/python3/dist-packages'];
const MAX_FILES = 1200;

function pythonFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'site-packages' || name === 'dist-packages' || name === 'lib2to3' || name.startsWith('test')) continue;
      const path = join(dir, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(path);
      else if (name.endsWith('.py') && stat.size < 100_000) files.push(path);
    }
  };
  for (const root of ROOTS) walk(root);
  return files;
}

describe('quick-fix property test on the Python standard library', () => {
  // a hang guard: about 100 s on an idle CI machine; 470 s measured at a load average of 15 on 2 cores
  it('every fix compiles, lands in the intended loop, and is idempotent', { timeout: 900_000 }, async () => {
    const checker = spawn('/usr/bin/python3', [join(__dirname, '../python/ast_checker.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
    // Requests are pipelined: the checker works on one fix while this process parses the next
    // (on two cores that halves the run); replies come back in order.
    const waiting: ((reply: { ok: boolean; why: string }) => void)[] = [];
    createInterface({ input: checker.stdout }).on('line', (line) => waiting.shift()?.(JSON.parse(line) as { ok: boolean; why: string }));
    const ask = (request: object): Promise<{ ok: boolean; why: string }> =>
      new Promise((resolve) => {
        waiting.push(resolve);
        checker.stdin.write(JSON.stringify(request) + '\n');
      });
    let inFlight: Promise<void>[] = [];
    let files = 0;
    let loops = 0;
    let fixes = 0;
    const failures: string[] = [];
    try {
      for (const file of pythonFiles()) {
        if (files >= MAX_FILES) break;
        const text = readFileSync(file, 'utf8');
        const source = PythonSource.parse(text);
        const found = allLoops(source);
        if (found.length === 0) continue;
        files++;
        // the checker keeps this probe's answer for the fixes that follow (original_compiles: 'last')
        void ask({ source: text, original_compiles: false, loop_line: -1, call_lines: [], mode: 'each' });
        // one loop a file, spread over the file, keeps the run within a minute
        const loop = found[files % found.length];
        loops++;
        const checks: Promise<void>[] = [];
        for (const kind of ['collect', 'trim', 'both'] as const) {
          for (const placement of [{ kind: 'each' as const }, { kind: 'every' as const, n: 10 }, { kind: 'after' as const }]) {
            const edits = loopFixEdits(source, loop, kind, placement);
            if (!edits) continue; // already there
            fixes++;
            const fixed = applyEdits(text, edits);
            const fixedSource = PythonSource.parse(fixed);
            const loopLine = newlinesBefore(text, loop.from, edits) + 1;
            const where = `${file}:${loop.line + 1} ${kind}/${placement.kind}`;
            checks.push(
              ask({ source: fixed, original_compiles: 'last', loop_line: loopLine, call_lines: insertedCallLines(fixed, edits), mode: placement.kind }).then((reply) => {
                if (!reply.ok) failures.push(`${where}: ${reply.why}`);
              }),
            );
            const again = loopsAt(fixedSource, loopLine - 1).find((l) => l.line === loopLine - 1);
            if (!again) failures.push(`${file}:${loop.line + 1} ${kind}/${placement.kind}: loop lost after the fix`);
            else if (loopFixEdits(fixedSource, again, kind, placement) !== undefined) failures.push(`${file}:${loop.line + 1} ${kind}/${placement.kind}: second application changed the file`);
          }
        }
        // at most two files in flight: the pipe never holds more than a few sources
        await Promise.all(inFlight);
        inFlight = checks;
      }
      await Promise.all(inFlight);
    } finally {
      checker.stdin.end();
    }
    console.log(`  property test: ${files} files, ${loops} loops, ${fixes} fixes checked, ${failures.length} failures`);
    for (const failure of failures.slice(0, 15)) console.log(`  FAIL ${failure}`);
    assert.ok(files >= 1000, `only ${files} files with loops`);
    assert.deepEqual(failures.slice(0, 20), []);
  });
});
