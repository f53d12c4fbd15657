// Kernel-to-notebook mapping without the Jupyter extension (src/discovery/notebookMapping.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notebookOfKernel } from '../../src/discovery/notebookMapping';

describe('kernel to notebook mapping (without the Jupyter extension)', () => {
  const notebook = (fsPath: string, claimed = false) => ({ fsPath, claimed });
  it('maps a kernel to the notebook in its working directory', () => {
    const sales = notebook('/work/sales/report.ipynb');
    const model = notebook('/work/model/train.ipynb');
    assert.equal(notebookOfKernel('/work/model', [sales, model]), model);
    assert.equal(notebookOfKernel('/work/model/', [sales, model]), model, 'a trailing slash is the same folder');
  });
  it('tells two notebooks of one folder apart only by the active one', () => {
    const a = notebook('/work/a.ipynb');
    const b = notebook('/work/b.ipynb');
    assert.equal(notebookOfKernel('/work', [a, b], b), b);
    assert.equal(notebookOfKernel('/work', [a, b]), undefined, 'no guess between two');
    assert.equal(notebookOfKernel('/work', [a, b], notebook('/elsewhere/c.ipynb')), undefined);
  });
  it('skips notebooks another live kernel serves: the second kernel of a folder gets the other notebook', () => {
    const a = notebook('/work/a.ipynb', true);
    const b = notebook('/work/b.ipynb');
    assert.equal(notebookOfKernel('/work', [a, b], a), b);
  });
  it('falls back to the only open notebook when the kernel runs elsewhere (another notebookFileRoot), never to a served one', () => {
    const only = notebook('/work/project/analysis.ipynb');
    assert.equal(notebookOfKernel('/work', [only]), only);
    assert.equal(notebookOfKernel(undefined, [only]), only, 'an unreadable cwd');
    assert.equal(notebookOfKernel('/work', [notebook('/work/project/analysis.ipynb', true)]), undefined);
    assert.equal(notebookOfKernel('/work', [notebook('/x/a.ipynb'), notebook('/y/b.ipynb')]), undefined);
    assert.equal(notebookOfKernel('/work', []), undefined);
    assert.equal(notebookOfKernel('/work', [only], undefined, 1), undefined, 'an interactive window may own the kernel');
    assert.equal(notebookOfKernel('/work/project', [only], undefined, 1), only, 'the folder still decides');
  });
});
