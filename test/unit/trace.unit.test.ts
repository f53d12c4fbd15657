import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceFormatError, formatTrace, parseTrace } from '../../src/core/trace';

function failsAt(text: string, line: number, fragment: RegExp): void {
  assert.throws(
    () => parseTrace(text),
    (error: unknown) => error instanceof TraceFormatError && error.line === line && fragment.test(error.message),
  );
}

describe('trace CSV', () => {
  it('reads t and rss, ignoring other columns, quotes, CRLF and a BOM', () => {
    const points = parseTrace('\uFEFFpid,"t",rss,label\r\n7,0,100,a\r\n7,0.5,200,b\r\n\r\n');
    assert.deepEqual(points, [
      { t: 0, rss: 100 },
      { t: 0.5, rss: 200 },
    ]);
  });

  it('round-trips what it writes', () => {
    const points = [
      { t: 0, rss: 1 },
      { t: 1.25, rss: 2048 },
    ];
    assert.deepEqual(parseTrace(formatTrace(points)), points);
  });

  it('names the line of each problem', () => {
    failsAt('', 1, /empty/);
    failsAt('time,bytes\n0,1\n', 1, /no column t and rss/);
    failsAt('t,value\n0,1\n', 1, /no column rss/);
    failsAt('t,rss\n', 2, /no samples/);
    failsAt('t,rss\n0,100\n1,abc\n', 3, /rss is not/);
    failsAt('t,rss\n0,100\nx,5\n', 3, /t is not a number/);
    failsAt('t,rss\n0,100\n1,-5\n', 3, /non-negative/);
    failsAt('t,rss\n0,100\n2,5\n1,5\n', 4, /backwards/);
    failsAt('t,rss\n0,100\n3\n', 3, /columns/);
    failsAt('t,rss\n0,\n', 2, /rss is not/);
  });
});
