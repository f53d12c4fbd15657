import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixAtLine, FixNotApplicableError, offeredFixes } from '../../src/python/fixCatalogue';
import { PythonSource } from '../../src/python/pythonSource';
import { applyEdits } from '../../src/python/textEdits';

const offered = (text: string, line: number, notebookCell = false) => offeredFixes(PythonSource.parse(text), line, { everyN: 10, notebookCell });

describe('the fixes offered at a line', () => {
  it('nine per enclosing loop, innermost first, with the enclosing loop named', () => {
    const fixes = offered('for a in b:\n    for c in d:\n        f(c)\n', 2);
    assert.equal(fixes.length, 18);
    assert.equal(fixes[0].title, 'Collect cyclic garbage each iteration');
    assert.deepEqual(fixes.filter((f) => f.loop?.line === 0).length, 9);
    assert.match(fixes[9].title, /\(enclosing for loop, line 1\)$/);
    assert.deepEqual(offered('x = 1\n', 0), []);
  });

  it('not offered again once applied', () => {
    const once = applyEdits('for x in xs:\n    f(x)\n', fixAtLine(PythonSource.parse('for x in xs:\n    f(x)\n'), 1, 'both', { kind: 'each' }).edits);
    const header = once.split('\n').indexOf('for x in xs:');
    assert.ok(!offered(once, header).some((f) => f.kind === 'collect' || f.kind === 'both'));
    assert.equal(fixAtLine(PythonSource.parse(once), header + 1, 'collect', { kind: 'each' }).alreadyThere, true);
  });

  it('display() in notebook cells only, on the expression\'s lines', () => {
    const cell = 'df = load()\ndf.describe()';
    assert.ok(offered(cell, 1, true).some((f) => f.kind === 'display'));
    assert.ok(!offered(cell, 0, true).some((f) => f.kind === 'display'));
    assert.ok(!offered(cell, 1).some((f) => f.kind === 'display'));
  });

  it('a %%magic cell gets no Python fix at all', () => {
    assert.deepEqual(offered('%%timeit\nfor i in range(3):\n    a = [0] * 10\n', 2, true), []);
  });
});

describe('the one fix the CLI applies', () => {
  it('refuses a line in no loop, and display where nothing is cached', () => {
    assert.throws(() => fixAtLine(PythonSource.parse('x = 1\n'), 1, 'collect', { kind: 'each' }), FixNotApplicableError);
    assert.throws(() => fixAtLine(PythonSource.parse('x = 1\n'), 1, 'display', { kind: 'each' }), /there is none/);
    assert.throws(() => fixAtLine(PythonSource.parse('x = 1\ndf\n'), 1, 'display', { kind: 'each' }), /line 1 is not the cell's cached last expression \(line 2\)/);
  });

  it('wraps the last expression, and says when display() is already there', () => {
    const cell = 'df = load()\ndf.describe()';
    assert.equal(applyEdits(cell, fixAtLine(PythonSource.parse(cell), 2, 'display', { kind: 'each' }).edits), 'df = load()\ndisplay(df.describe())');
    assert.equal(fixAtLine(PythonSource.parse('display(df)\n'), 1, 'display', { kind: 'each' }).alreadyThere, true);
  });
});
