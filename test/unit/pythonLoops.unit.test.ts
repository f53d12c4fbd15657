import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allLoops, loopsAt } from '../../src/python/pythonLoops';
import { PythonSource } from '../../src/python/pythonSource';

const at = (text: string, line: number) => loopsAt(PythonSource.parse(text), line);

describe('loops at a line', () => {
  const source = ['def f(rows):', '    for row in rows:', '        while True:', '            x = row.copy()', '            break', '    return x', ''].join('\n');

  it('innermost first, then the enclosing ones, from header or body', () => {
    assert.deepEqual(at(source, 3).map((l) => l.keyword), ['while', 'for']);
    assert.deepEqual(at(source, 1).map((l) => l.line), [1]);
    assert.deepEqual(at(source, 5), []);
    assert.deepEqual(at(source, 0), []);
    assert.deepEqual(at(source, 99), []);
    assert.deepEqual(at(source, 2).map((l) => l.lastLine), [4, 4]);
  });

  it('knows range and enumerate indices, async for and one-line loops', () => {
    const text = ['for i in range(10): f(i)', 'for k, (a, b) in enumerate(pairs):', '    g(a)', 'async def h():', '    async for m in stream():', '        use(m)', ''].join('\n');
    const [one] = at(text, 0);
    assert.equal(one.inline, true);
    assert.equal(one.indexVariable, 'i');
    assert.equal(text[one.colon], ':');
    assert.equal(at(text, 2)[0].indexVariable, 'k');
    assert.equal(at(text, 2)[0].inline, false);
    assert.equal(at(text, 5)[0].keyword, 'async for');
    assert.equal(at(text, 5)[0].indent, '    ');
  });

  it('leaves comprehensions alone: they are not loops to put statements in', () => {
    assert.deepEqual(at('rows = [f(x) for x in xs if x]\n', 0), []);
  });

  it('lists every loop of a text, outer before inner', () => {
    assert.deepEqual(allLoops(PythonSource.parse(source)).map((l) => l.keyword), ['for', 'while']);
  });
});

describe('loops followed by IPython lines', () => {
  it('a `!` line after the loop is not in it', () => {
    const cell = 'for x in xs:\n    f(x)\n!ls\n';
    assert.deepEqual(at(cell, 2), []);
    assert.equal(at(cell, 1)[0].lastLine, 1);
  });
});
