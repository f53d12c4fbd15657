import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipythonLineKind, isCellMagicCell } from '../../src/python/ipythonLines';

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

test('cell magics', () => {
  assert.ok(isCellMagicCell('%%timeit\nnp.add(a, b)'));
  assert.ok(isCellMagicCell('\n  %%bash\nls'));
  assert.ok(!isCellMagicCell('%timeit f()\nx'));
});
