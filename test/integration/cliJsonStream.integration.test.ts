// `run --json` keeps stdout one JSON document however much the job prints: the built dist/cli.js
// runs real Python jobs, and the job's own stdout must arrive on stderr byte for byte.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

interface Run {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

function runJson(python: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const cli = spawn(process.execPath, ['dist/cli.js', 'run', '--json', '--interval', '50', '--', '/usr/bin/python3', '-c', python]);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    cli.stdout.on('data', (data: Buffer) => stdout.push(data));
    cli.stderr.on('data', (data: Buffer) => stderr.push(data));
    cli.once('error', reject);
    cli.once('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) }));
  });
}

function verdictOf(run: Run): { exitCode: number; samples: number } {
  try {
    return JSON.parse(run.stdout.toString('utf8')) as { exitCode: number; samples: number };
  } catch (error) {
    assert.fail(`stdout is not one JSON document (${String(error)}): ${run.stdout.toString('utf8').slice(0, 300)}`);
  }
}

describe('run --json with a job that prints', () => {
  it('thousands of lines go to stderr in order; stdout is only the verdict', async () => {
    const run = await runJson('import time\nfor i in range(5000):\n    print(f"line {i}")\n    if i % 1000 == 0: time.sleep(0.05)\n');
    assert.equal(run.code, 0, run.stderr.toString().slice(-500));
    assert.equal(verdictOf(run).exitCode, 0);
    const expected = Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join('');
    assert.equal(run.stderr.toString('utf8'), expected);
  });

  it('a partial last line without a newline arrives unchanged, and the exit code is forwarded', async () => {
    const run = await runJson('import sys\nsys.stdout.write("first\\nno newline at the end")\nsys.stdout.flush()\nsys.exit(7)\n');
    assert.equal(run.code, 7);
    assert.equal(verdictOf(run).exitCode, 7);
    assert.equal(run.stderr.toString('utf8'), 'first\nno newline at the end');
  });

  it('binary output (NUL bytes, invalid UTF-8) arrives byte for byte', async () => {
    const run = await runJson('import sys\nsys.stdout.buffer.write(bytes(range(256)) * 400 + b"\\xff\\xfe\\x00\\xc3")\n');
    assert.equal(run.code, 0);
    verdictOf(run);
    const expected = Buffer.concat([...Array.from({ length: 400 }, () => Buffer.from(Array.from({ length: 256 }, (_, i) => i))), Buffer.from([0xff, 0xfe, 0x00, 0xc3])]);
    assert.ok(run.stderr.equals(expected), `stderr has ${run.stderr.length} bytes, expected ${expected.length}`);
  });
});

describe('run --json on a terminal', () => {
  it('wipes the live line before forwarded output and never draws it over a partial line', async () => {
    const { main } = await import('../../src/cli/cli');
    const writes: { kind: 'text' | 'bytes'; data: string }[] = [];
    const io = {
      stdout: () => {},
      stderr: (text: string) => void writes.push({ kind: 'text', data: text }),
      stderrBytes: (data: Buffer) => void writes.push({ kind: 'bytes', data: data.toString('latin1') }),
      stderrIsTty: true,
    };
    // Each print waits until the CLI has drawn a live line, so the wipe is exercised every time.
    const job = [
      'import sys, time',
      'for i in range(4):',
      '    sys.stdout.write(f"line {i}\\n"); sys.stdout.flush(); time.sleep(0.6)',
      'sys.stdout.write("partial"); sys.stdout.flush(); time.sleep(0.8)',
      'sys.stdout.write(" end\\n"); sys.stdout.flush(); time.sleep(0.6)',
    ].join('\n');
    const code = await main(['run', '--json', '--interval', '50', '--', '/usr/bin/python3', '-c', job], io);
    assert.equal(code, 0);
    const isLive = (w: { data: string }): boolean => w.data.startsWith('\r\x1b[K[kernel-memory-watch]');
    assert.ok(writes.some(isLive), 'a live line was drawn');
    let shown = false;
    let forwarded = '';
    for (const write of writes) {
      if (isLive(write)) {
        assert.ok(forwarded === '' || forwarded.endsWith('\n'), `live line drawn over the partial line ${JSON.stringify(forwarded.slice(-20))}`);
        shown = true;
      } else if (write.data === '\r\x1b[K') {
        shown = false;
      } else if (write.kind === 'bytes') {
        assert.equal(shown, false, `forwarded ${JSON.stringify(write.data)} while the live line was on screen`);
        forwarded += write.data;
      }
    }
    assert.equal(forwarded, 'line 0\nline 1\nline 2\nline 3\npartial end\n');
  });
});
