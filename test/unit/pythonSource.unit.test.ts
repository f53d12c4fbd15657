import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PythonSource } from '../../src/python/pythonSource';

function treeText(source: PythonSource): string {
  const out: string[] = [];
  source.tree.iterate({ enter: (node) => void out.push(`${node.name}@${node.from}-${node.to}`) });
  return out.join(' ');
}

describe('a parsed Python text', () => {
  it('indexes lines with either line ending', () => {
    const source = PythonSource.parse('a = 1\r\nfor x in y:\r\n    f(x)');
    assert.equal(source.eol, '\r\n');
    assert.equal(source.lineCount, 3);
    assert.equal(source.lineText(1), 'for x in y:');
    assert.equal(source.lineOf(source.text.indexOf('f(x)')), 2);
    assert.equal(source.lineEnd(0), 5);
    assert.equal(source.lineStart(3), source.text.length, 'the line after the last starts at the end');
    assert.equal(PythonSource.parse('x\n').eol, '\n');
  });

  it('finds the indentation unit from the first block, ignoring comments and continuation lines', () => {
    assert.equal(PythonSource.parse('# note:\nx = f(a,\n      b)\nif x:\n\n\tg()\n').indentUnit, '\t');
    assert.equal(PythonSource.parse('def f():\n  return 1\n').indentUnit, '  ');
    assert.equal(PythonSource.parse('x = 1\n').indentUnit, '    ', 'four spaces when nothing says otherwise');
  });

  it('re-parses against the previous version to the same tree a full parse gives', () => {
    const before = PythonSource.parse('import gc\nfor x in xs:\n    f(x)\n\nwhile True:\n    break\n');
    const text = before.text.replace('f(x)', 'g(x, [1, 2])\n    h()');
    const after = PythonSource.parse(text, before);
    assert.equal(treeText(after), treeText(PythonSource.parse(text)));
    assert.equal(PythonSource.parse(text, after), after, 'the same text is the same source');
  });
});
