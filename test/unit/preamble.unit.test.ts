import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preambleEdit, preambleEnd, trimHelperLines } from '../../src/python/preamble';
import { PythonSource } from '../../src/python/pythonSource';
import { applyEdits } from '../../src/python/textEdits';

function withPreamble(text: string, kind: 'collect' | 'trim' | 'both'): string {
  const edit = preambleEdit(PythonSource.parse(text), kind);
  return edit ? applyEdits(text, [edit]) : text;
}

describe('the import and helper at the top of a file', () => {
  it('go after the shebang, encoding line, docstring and __future__ imports', () => {
    const text = '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Doc\nstring."""\nfrom __future__ import annotations\nimport os\n';
    const fixed = withPreamble(text, 'both');
    assert.equal(fixed.split('\n').slice(0, 6).join('\n'), '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Doc\nstring."""\nfrom __future__ import annotations\nimport gc');
    assert.equal((fixed.match(/^def _kmw_malloc_trim\(\):/gm) ?? []).length, 1);
  });

  it('go after a cell magic line, and at the very top otherwise', () => {
    assert.equal(preambleEnd(PythonSource.parse('%%capture\nx = 1\n')), '%%capture\n'.length);
    assert.equal(preambleEnd(PythonSource.parse('x = 1\n"""not a docstring"""\n')), 0);
  });

  it('are added only when missing, each kind with what it needs', () => {
    assert.equal(withPreamble('import gc\n', 'collect'), 'import gc\n');
    assert.equal(withPreamble('import os, gc\n', 'collect'), 'import os, gc\n');
    assert.match(withPreamble('import gc.foo\n', 'collect'), /^import gc\nimport gc\.foo/, 'a submodule import is not `import gc`');
    assert.doesNotMatch(withPreamble('x = 1\n', 'trim'), /^import gc/m, 'trim alone needs no gc import');
    const once = withPreamble('x = 1\n', 'trim');
    assert.equal(withPreamble(once, 'both'), `import gc\n${once}`);
  });

  it('the helper uses the file\'s indentation and line ending', () => {
    const fixed = withPreamble('if x:\r\n\ty()\r\n', 'trim');
    assert.ok(fixed.startsWith(trimHelperLines('\t').join('\r\n') + '\r\n\r\n'));
  });
});
