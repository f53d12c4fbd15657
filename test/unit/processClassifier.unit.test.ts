// Process classification from command lines (src/discovery/processClassifier.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyPython } from '../../src/discovery/processClassifier';

describe('process classification', () => {
  it('tells kernels, scripts, modules and debuggees apart from their command lines', () => {
    assert.deepEqual(classifyPython(['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', '/run/user/0/jupyter/kernel-abc.json']), { kind: 'kernel', connectionFile: '/run/user/0/jupyter/kernel-abc.json' });
    assert.deepEqual(classifyPython(['python3.11', '-u', 'train.py', '--epochs', '3']), { kind: 'script', script: 'train.py', module: undefined });
    assert.deepEqual(classifyPython(['python', '-m', 'http.server']), { kind: 'script', script: undefined, module: 'http.server' });
    assert.equal(classifyPython(['/home/u/.venv/bin/python', '/home/u/.vscode/extensions/ms-python.debugpy/bundled/libs/debugpy/adapter/../../debugpy/launcher', '--', 'job.py'])?.kind, 'debuggee');
    assert.equal(classifyPython(['bash', '-c', 'python3 x.py']), undefined);
    assert.equal(classifyPython(['/opt/env/bin/my-interp', 'a.py'], new Set(['/opt/env/bin/my-interp']))?.kind, 'script');
  });
});
