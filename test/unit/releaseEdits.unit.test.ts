import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loopsAt } from '../../src/python/pythonLoops';
import { PythonSource } from '../../src/python/pythonSource';
import { loopFixEdits, type FixPlacement, type ReleaseKind } from '../../src/python/releaseEdits';
import { applyEdits } from '../../src/python/textEdits';

/** The fix on the innermost loop at a 1-based line; the text unchanged when it is already there. */
function fix(text: string, line1: number, kind: ReleaseKind = 'collect', placement: FixPlacement = { kind: 'each' }): string {
  const source = PythonSource.parse(text);
  const edits = loopFixEdits(source, loopsAt(source, line1 - 1)[0], kind, placement);
  return edits ? applyEdits(text, edits) : text;
}

describe('release fixes on a loop', () => {
  it('collect goes first in the body, so it runs even when the body continues', () => {
    const source = 'import gc\nfor x in xs:\n    if skip(x):\n        continue\n    f(x)\n';
    assert.equal(fix(source, 3), 'import gc\nfor x in xs:\n    gc.collect()\n    if skip(x):\n        continue\n    f(x)\n');
  });

  it('both collects, then trims, with the import and helper once per file', () => {
    const fixed = fix('import os\nfor x in xs:\n    f(x)\n', 2, 'both');
    assert.match(fixed, /for x in xs:\n    gc\.collect\(\)\n    _kmw_malloc_trim\(\)\n    f\(x\)\n/);
    assert.equal((fixed.match(/^import gc$/gm) ?? []).length, 1);
  });

  it('the helper is defined once per file even for two loops', () => {
    const source = 'for a in b:\n    f(a)\nfor c in d:\n    g(c)\n';
    const once = fix(source, 1, 'trim');
    const twice = fix(once, once.split('\n').findIndex((l) => l.startsWith('for c')) + 1, 'trim');
    assert.equal((twice.match(/^def _kmw_malloc_trim/gm) ?? []).length, 1);
    assert.equal((twice.match(/^    _kmw_malloc_trim\(\)$/gm) ?? []).length, 2);
  });

  it('is idempotent, in the loop and after it', () => {
    const source = 'for x in xs:\n    f(x)\ny = 1\n';
    const once = fix(source, 1, 'both');
    const header = once.split('\n').indexOf('for x in xs:') + 1;
    assert.equal(fix(once, header, 'both'), once);
    const after = fix(source, 1, 'both', { kind: 'after' });
    assert.equal(fix(after, after.split('\n').indexOf('for x in xs:') + 1, 'both', { kind: 'after' }), after);
  });

  it('every N uses the loop index when there is one, else a counter', () => {
    assert.match(fix('for i in range(100):\n    f(i)\n', 1, 'collect', { kind: 'every', n: 10 }), /for i in range\(100\):\n    if i % 10 == 0:\n        gc\.collect\(\)\n    f\(i\)/);
    const counted = fix('while running():\n    step()\n', 1, 'collect', { kind: 'every', n: 5 });
    assert.match(counted, /_kmw_count_1 = 0\nwhile running\(\):\n    _kmw_count_1 \+= 1\n    if _kmw_count_1 % 5 == 0:\n        gc\.collect\(\)\n    step\(\)/);
  });

  it('after the loop, also after while True with break, at the loop indentation', () => {
    const source = 'def f():\n    while True:\n        if done():\n            break\n    return 1\n';
    assert.match(fix(source, 3, 'collect', { kind: 'after' }), /            break\n    gc\.collect\(\)\n    return 1\n/);
    assert.equal(fix('import gc\nfor x in y:\n    f(x)', 2, 'collect', { kind: 'after' }), 'import gc\nfor x in y:\n    f(x)\ngc.collect()\n', 'a last line without a line ending');
  });

  it('turns a one-line loop into a block', () => {
    assert.equal(fix('import gc\nfor x in y: f(x)\n', 2), 'import gc\nfor x in y:\n    gc.collect()\n    f(x)\n');
  });

  it('keeps tabs, CRLF, comments, blank lines and Unicode identifiers', () => {
    const source = 'import gc\r\nclass K:\r\n\tdef m(self):\r\n\t\t# the loop\r\n\t\tfor données in self.lignes:\r\n\r\n\t\t\tself.f(données)  # keep\r\n';
    assert.equal(fix(source, 7), 'import gc\r\nclass K:\r\n\tdef m(self):\r\n\t\t# the loop\r\n\t\tfor données in self.lignes:\r\n\r\n\t\t\tgc.collect()\r\n\t\t\tself.f(données)  # keep\r\n');
  });

  it('works inside with, try, decorated functions and classes', () => {
    const source = ['@decorator', 'def load(paths):', '    with open(paths[0]) as handle:', '        try:', '            for line in handle:', '                parse(line)', '        except OSError:', '            pass', ''].join('\n');
    assert.match(fix(source, 6), /            for line in handle:\n                gc\.collect\(\)\n                parse\(line\)/);
  });

  it('works on a file that does not parse (the user is typing)', () => {
    assert.match(fix('for x in xs:\n    f(x\n    g(\n', 2), /for x in xs:\n    gc\.collect\(\)\n    f\(x/);
  });
});

describe('release fixes in notebook cells with IPython lines', () => {
  it('after the loop lands right after it, not after a trailing `!` or `%` line', () => {
    assert.equal(fix('import gc\nfor x in xs:\n    f(x)\n!ls\n', 2, 'collect', { kind: 'after' }), 'import gc\nfor x in xs:\n    f(x)\ngc.collect()\n!ls\n');
    assert.equal(fix('import gc\nfor x in xs:\n    f(x)\n\n# then\n%time g()\n', 2, 'collect', { kind: 'after' }), 'import gc\nfor x in xs:\n    f(x)\ngc.collect()\n\n# then\n%time g()\n');
    assert.equal(fix('import gc\nfor x in xs:\n    f(x)\nfiles = !ls\n', 2, 'collect', { kind: 'after' }), 'import gc\nfor x in xs:\n    f(x)\ngc.collect()\nfiles = !ls\n');
  });

  it('an IPython line inside the body stays in the body, byte for byte', () => {
    const cell = 'import gc\nfor x in xs:\n    f(x)\n    !echo {x}\ny = 1\n';
    assert.equal(fix(cell, 2, 'collect', { kind: 'after' }), 'import gc\nfor x in xs:\n    f(x)\n    !echo {x}\ngc.collect()\ny = 1\n');
    assert.equal(fix(cell, 2), 'import gc\nfor x in xs:\n    gc.collect()\n    f(x)\n    !echo {x}\ny = 1\n');
  });
});
