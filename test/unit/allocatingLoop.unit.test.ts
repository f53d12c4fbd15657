import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocationScore, evidenceTarget, mostAllocatingLoop } from '../../src/python/allocatingLoop';
import { PythonSource } from '../../src/python/pythonSource';

describe('which loop the evidence blames', () => {
  it('the loop with the most allocating calls, the innermost on a tie', () => {
    const text = 'for path in paths:\n    log(path)\nfor path in paths:\n    for chunk in pd.read_csv(path, chunksize=9):\n        rows.append(chunk.copy())\n';
    assert.equal(allocationScore('pd.DataFrame(x); np.zeros(3); y.copy()'), 3);
    assert.equal(mostAllocatingLoop(PythonSource.parse(text))?.line, 3);
  });

  it('a cached last expression in a cell without loops; nothing in a script without loops', () => {
    assert.deepEqual(evidenceTarget(PythonSource.parse('df = load()\ndf.head()'), true), { kind: 'cached-expression', from: 12, to: 21 });
    assert.equal(evidenceTarget(PythonSource.parse('df = load()\ndf.head()'), false), undefined);
    assert.equal(evidenceTarget(PythonSource.parse('for x in xs:\n    f(x)\n'), false)?.kind, 'loop');
  });
});
