// Which terminal command lines may start Python (discovery then looks for the process at once).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mayStartPython } from '../../src/discovery/terminalCommand';

describe('terminal command lines', () => {
  it('recognise interpreters, scripts, tools and environment runners', () => {
    for (const line of [
      'python train.py',
      '/usr/bin/python3 allocator_retention.py --iterations 30',
      'python3.12 -m pip install numpy',
      'CUDA_VISIBLE_DEVICES=0 nohup python -u train.py > log.txt &',
      'sudo -E env python3 job.py',
      'timeout 600 python3 job.py',
      './train.py --epochs 3',
      'pytest -x tests/',
      'jupyter lab',
      'ipython',
      'uv run train.py',
      'poetry run pytest',
      'conda run -n ml python job.py',
      'streamlit run app.py',
      'cd src && python main.py',
      'make clean; python setup.py build',
      'cat data.csv | python filter.py',
    ]) {
      assert.equal(mayStartPython(line), true, line);
    }
  });

  it('leave other commands alone', () => {
    for (const line of ['ls -la', 'git status', 'npm run build', 'cat train.py', 'vim job.py', 'echo python', 'grep -r python .', 'cd python-project', 'uv --version']) {
      assert.equal(mayStartPython(line), false, line);
    }
  });

  it('count an unknown command line as maybe, and know the interpreters the Python extension found', () => {
    assert.equal(mayStartPython(''), true);
    assert.equal(mayStartPython('   '), true);
    assert.equal(mayStartPython('/opt/envs/ml/bin/custom-interp job.py'), false);
    assert.equal(mayStartPython('/opt/envs/ml/bin/custom-interp job.py', new Set(['/opt/envs/ml/bin/custom-interp'])), true);
  });
});
