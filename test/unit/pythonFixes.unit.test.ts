import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits, cachedLastExpression, fixAtLine, FixNotApplicableError, loopsAt, offeredFixes, type FixKind, type FixPlacement } from '../../src/python/pythonFixes';

function fix(source: string, line1: number, kind: FixKind = 'collect', placement: FixPlacement = { kind: 'each' }): string {
  return applyEdits(source, fixAtLine(source, line1, kind, placement).edits);
}

describe('loops at a line', () => {
  const source = ['def f(rows):', '    for row in rows:', '        while True:', '            x = row.copy()', '            break', '    return x', ''].join('\n');

  it('innermost first, then the enclosing ones, from header or body', () => {
    assert.deepEqual(loopsAt(source, 3).map((l) => l.keyword), ['while', 'for']);
    assert.deepEqual(loopsAt(source, 1).map((l) => l.line), [1]);
    assert.deepEqual(loopsAt(source, 5), []);
    assert.deepEqual(loopsAt(source, 0), []);
  });

  it('knows range and enumerate indices, async for and one-line loops', () => {
    const text = ['for i in range(10): f(i)', 'for k, (a, b) in enumerate(pairs):', '    g(a)', 'async def h():', '    async for m in stream():', '        use(m)', ''].join('\n');
    const [one] = loopsAt(text, 0);
    assert.equal(one.inline, true);
    assert.equal(one.indexVariable, 'i');
    assert.equal(loopsAt(text, 2)[0].indexVariable, 'k');
    assert.equal(loopsAt(text, 5)[0].keyword, 'async for');
  });
});

describe('loop fixes', () => {
  it('collect goes first in the body, so it runs even when the body continues', () => {
    const source = 'import gc\nfor x in xs:\n    if skip(x):\n        continue\n    f(x)\n';
    assert.equal(fix(source, 3), 'import gc\nfor x in xs:\n    gc.collect()\n    if skip(x):\n        continue\n    f(x)\n');
  });

  it('adds the import only when missing, after the docstring, __future__ imports, shebang and encoding line', () => {
    const source = '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Doc\nstring."""\nfrom __future__ import annotations\nimport os\nfor x in xs:\n    f(x)\n';
    const fixed = fix(source, 7, 'both');
    assert.equal(
      fixed.split('\n').slice(0, 6).join('\n'),
      '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Doc\nstring."""\nfrom __future__ import annotations\nimport gc',
    );
    assert.equal((fixed.match(/^def _kmw_malloc_trim\(\):/gm) ?? []).length, 1);
    assert.match(fixed, /for x in xs:\n    gc\.collect\(\)\n    _kmw_malloc_trim\(\)\n    f\(x\)\n/);
  });

  it('the helper is defined once per file even for two loops', () => {
    const source = 'for a in b:\n    f(a)\nfor c in d:\n    g(c)\n';
    const once = fix(source, 1, 'trim');
    const twice = fix(once, once.split('\n').findIndex((l) => l.startsWith('for c')) + 1, 'trim');
    assert.equal((twice.match(/^def _kmw_malloc_trim/gm) ?? []).length, 1);
    assert.equal((twice.match(/^    _kmw_malloc_trim\(\)$/gm) ?? []).length, 2);
    assert.doesNotMatch(twice, /^import gc/m, 'trim alone needs no gc import');
  });

  it('is idempotent and not offered again', () => {
    const source = 'for x in xs:\n    f(x)\n';
    const once = fix(source, 1, 'both');
    assert.equal(fix(once, once.split('\n').indexOf('for x in xs:') + 1, 'both'), once);
    const result = fixAtLine(once, once.split('\n').indexOf('for x in xs:') + 1, 'collect', { kind: 'each' });
    assert.equal(result.alreadyThere, true);
    assert.ok(!offeredFixes(once, once.split('\n').indexOf('for x in xs:')).some((f) => f.kind === 'collect'));
  });

  it('every N uses the loop index when there is one, else a counter', () => {
    assert.match(fix('for i in range(100):\n    f(i)\n', 1, 'collect', { kind: 'every', n: 10 }), /for i in range\(100\):\n    if i % 10 == 0:\n        gc\.collect\(\)\n    f\(i\)/);
    const counted = fix('while running():\n    step()\n', 1, 'collect', { kind: 'every', n: 5 });
    assert.match(counted, /_kmw_count_1 = 0\nwhile running\(\):\n    _kmw_count_1 \+= 1\n    if _kmw_count_1 % 5 == 0:\n        gc\.collect\(\)\n    step\(\)/);
  });

  it('after the loop, also after while True with break, at the loop indentation', () => {
    const source = 'def f():\n    while True:\n        if done():\n            break\n    return 1\n';
    assert.match(fix(source, 3, 'collect', { kind: 'after' }), /            break\n    gc\.collect\(\)\n    return 1\n/);
  });

  it('turns a one-line loop into a block', () => {
    assert.equal(fix('import gc\nfor x in y: f(x)\n', 2), 'import gc\nfor x in y:\n    gc.collect()\n    f(x)\n');
  });

  it('keeps tabs, CRLF, comments, blank lines and Unicode identifiers', () => {
    const source = 'import gc\r\nclass K:\r\n\tdef m(self):\r\n\t\t# the loop\r\n\t\tfor données in self.lignes:\r\n\r\n\t\t\tself.f(données)  # keep\r\n';
    const fixed = fix(source, 7);
    assert.equal(fixed, 'import gc\r\nclass K:\r\n\tdef m(self):\r\n\t\t# the loop\r\n\t\tfor données in self.lignes:\r\n\r\n\t\t\tgc.collect()\r\n\t\t\tself.f(données)  # keep\r\n');
  });

  it('works inside with, try, decorated functions and classes', () => {
    const source = ['@decorator', 'def load(paths):', '    with open(paths[0]) as handle:', '        try:', '            for line in handle:', '                parse(line)', '        except OSError:', '            pass', ''].join('\n');
    assert.match(fix(source, 6), /            for line in handle:\n                gc\.collect\(\)\n                parse\(line\)/);
  });

  it('works on a file that does not parse (the user is typing)', () => {
    const source = 'for x in xs:\n    f(x\n    g(\n';
    assert.match(fix(source, 2), /for x in xs:\n    gc\.collect\(\)\n    f\(x/);
  });

  it('refuses a line in no loop', () => {
    assert.throws(() => fixAtLine('x = 1\n', 1, 'collect', { kind: 'each' }), FixNotApplicableError);
  });

  it('leaves comprehensions alone: they are not loops to put statements in', () => {
    assert.deepEqual(loopsAt('rows = [f(x) for x in xs if x]\n', 0), []);
  });
});

describe('display() instead of a cached last expression', () => {
  it('finds the expression IPython would keep in Out[] and _', () => {
    assert.equal(cachedLastExpression('df = load()\ndf.head()\n')?.text, 'df.head()');
    assert.equal(cachedLastExpression('df = load()\ndf.head();\n'), undefined);
    assert.equal(cachedLastExpression('x = 1\n'), undefined);
    assert.equal(cachedLastExpression('print(df)\n'), undefined);
    assert.equal(cachedLastExpression('display(df)\n'), undefined);
    assert.equal(cachedLastExpression('df.head()\n# trailing comment\n')?.text, 'df.head()');
  });

  it('wraps it, and is offered in notebook cells only', () => {
    const cell = 'df = load()\ndf.describe()';
    assert.equal(fix(cell, 2, 'display'), 'df = load()\ndisplay(df.describe())');
    assert.ok(offeredFixes(cell, 1, { notebookCell: true }).some((f) => f.kind === 'display'));
    assert.ok(!offeredFixes(cell, 1).some((f) => f.kind === 'display'));
    assert.equal(fixAtLine('display(df)\n', 1, 'display', { kind: 'each' }).alreadyThere, true);
  });
});
