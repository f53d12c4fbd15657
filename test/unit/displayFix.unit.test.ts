import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cachedLastExpression, displayEdits } from '../../src/python/displayFix';
import { PythonSource } from '../../src/python/pythonSource';
import { applyEdits } from '../../src/python/textEdits';

const cached = (text: string) => cachedLastExpression(PythonSource.parse(text))?.text;

describe('display() instead of a cached last expression', () => {
  it('finds the expression IPython would keep in Out[] and _', () => {
    assert.equal(cached('df = load()\ndf.head()\n'), 'df.head()');
    assert.equal(cached('df = load()\ndf.head();\n'), undefined);
    assert.equal(cached('x = 1\n'), undefined);
    assert.equal(cached('print(df)\n'), undefined);
    assert.equal(cached('display(df)\n'), undefined);
    assert.equal(cached('df.head()\n# trailing comment\n'), 'df.head()');
  });

  it('is refused wherever IPython would not cache the value', () => {
    for (const cell of ['!rm mydata.sqlite', '%timeit np.add(a, b)', 'files = !ls', 'df.merge?', '?df', 'plt.plot(x);  # note', 'x = 1', 'print(x)', '%%timeit\nnp.add(a, b)', 'display(df)', 'None']) {
      assert.equal(cached(cell), undefined, cell);
    }
    assert.equal(cached('!ls\ndf.head()'), 'df.head()');
    assert.equal(cached('ls nbpackage'), undefined, 'an automagic: IPython runs %ls');
    assert.equal(cached('x = (1,\ndf'), undefined, 'a cell that does not compile caches nothing');
    assert.equal(cached('files = !ls\ndf.merge?\n%time f()\ndf'), 'df');
    assert.equal(cached('%load_ext autoreload\ndf  # show'), 'df');
  });

  it('silenced exactly when the last token other than comments is `;` (IPython\'s DisplayHook.quiet)', () => {
    assert.equal(cached('plt.plot(x);  # note'), undefined);
    assert.equal(cached('plt.plot(x) ;\n\n# a comment\n'), undefined);
    assert.equal(cached('x  # a;'), 'x', 'a `;` in a comment does not silence');
    assert.equal(cached('plt.plot(x)  # a; b'), 'plt.plot(x)');
    assert.equal(cached('s = "a;"\ns'), 's');
    assert.equal(cached('f(";")'), 'f(";")', 'nor one in a string');
  });

  it('wraps the expression and nothing else', () => {
    const cell = 'df = load()\ndf.describe()  # summary';
    assert.equal(applyEdits(cell, displayEdits(PythonSource.parse(cell))!), 'df = load()\ndisplay(df.describe())  # summary');
    assert.equal(displayEdits(PythonSource.parse('x = 1')), undefined);
  });
});
