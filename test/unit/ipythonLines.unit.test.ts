import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipythonLineKind, isCellMagicCell, isSilenced } from '../../src/python/ipythonLines';
import { cachedLastExpression, offeredFixes } from '../../src/python/pythonFixes';

test('IPython line forms are classified as IPython rewrites them', () => {
  assert.equal(ipythonLineKind('!rm mydata.sqlite'), 'shell');
  assert.equal(ipythonLineKind('files = !ls'), 'shell');
  assert.equal(ipythonLineKind('%timeit np.add(a, b)'), 'magic');
  assert.equal(ipythonLineKind('x = %time f()'), 'magic');
  assert.equal(ipythonLineKind('df.merge?'), 'help');
  assert.equal(ipythonLineKind('?df'), 'help');
  assert.equal(ipythonLineKind('x == 1'), 'python');
  assert.equal(ipythonLineKind('a % b'), 'python');
  assert.equal(ipythonLineKind("d['a']"), 'python');
});

test('cell magics and silencing', () => {
  assert.ok(isCellMagicCell('%%timeit\nnp.add(a, b)'));
  assert.ok(!isCellMagicCell('%timeit f()\nx'));
  assert.ok(isSilenced('plt.plot(x);  # note'));
  assert.ok(!isSilenced('plt.plot(x)  # a; b'));
});

test('display() is offered only where IPython caches the value', () => {
  for (const cell of ['!rm mydata.sqlite', '%timeit np.add(a, b)', 'files = !ls', 'df.merge?', '?df', 'plt.plot(x);  # note', 'x = 1', 'print(x)', '%%timeit\nnp.add(a, b)', 'display(df)']) {
    assert.equal(cachedLastExpression(cell), undefined, cell);
  }
  assert.equal(cachedLastExpression('!ls\ndf.head()')?.text, 'df.head()');
  assert.equal(cachedLastExpression('%load_ext autoreload\ndf  # show')?.text, 'df');
});

test('a %%magic cell gets no Python fix at all', () => {
  assert.deepEqual(offeredFixes('%%timeit\nfor i in range(3):\n    a = [0] * 10\n', 2, { notebookCell: true }), []);
});
