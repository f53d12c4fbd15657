import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError, parseArgs } from '../../src/cli/args';
import { SERVER_WATCH_SPEC, serverWatchOptions } from '../../src/cli/serverWatchCommand';
import { cli } from '../support/cli';

const SPEC = { ...SERVER_WATCH_SPEC, '--interval': 'value', '--json': 'flag', '--fail-on-alarm': 'flag', '--limit': 'value', '--pid': 'value', '--record': 'value' } as const;
const options = (...args: string[]) => serverWatchOptions(parseArgs(args, SPEC).options);

describe('watch --server options', () => {
  it('has defaults: JUPYTER_TOKEN, 1000 ms, no duration', () => {
    assert.deepEqual(options('--server', 'http://127.0.0.1:8888/'), {
      url: 'http://127.0.0.1:8888/',
      tokenEnv: 'JUPYTER_TOKEN',
      intervalMs: 1000,
      durationSec: undefined,
      json: false,
      failOnAlarm: false,
      limitOverride: undefined,
      verifyCertificate: true,
    });
    const all = options('--server', 'http://h/', '--token-env', 'HUB_TOKEN', '--interval', '500', '--duration', '30', '--json', '--fail-on-alarm', '--limit', '2G');
    assert.equal(all.tokenEnv, 'HUB_TOKEN');
    assert.equal(all.intervalMs, 500);
    assert.equal(all.durationSec, 30);
    assert.equal(all.limitOverride, 2 * 1024 ** 3);
    assert.equal(all.verifyCertificate, true);
    assert.equal(options('--server', 'https://h/', '--no-verify-certificate').verifyCertificate, false);
  });

  it('refuses bad values with a message', () => {
    assert.throws(() => options('--server', 'http://h/', '--interval', '10'), /--interval must be a number from 100 to 60000/);
    assert.throws(() => options('--server', 'http://h/', '--duration', '0'), /--duration must be a number/);
    assert.throws(() => options('--server', 'http://h/', '--pid', '1'), /either --pid PID or --server URL/);
    assert.throws(() => options('--server', 'http://h/', '--record', 'x.csv'), /--record writes one process trace/);
    assert.throws(() => options('--server', 'http://h/', '--token-env', 'abc-123'), (e: Error) => e instanceof UsageError && /name of an environment variable/.test(e.message));
  });
});

describe('watch --server on the command line', () => {
  it('exits 2 with a plain message for a malformed URL, a token in the URL, server-only options without --server', async () => {
    const malformed = await cli('watch', '--server', 'localhost:8888');
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /starts with http:\/\/ or https:\/\//);
    assert.doesNotMatch(malformed.stderr, /at .*\.ts:\d+/, 'no stack trace');
    const withToken = await cli('watch', '--server', 'http://127.0.0.1:1/?token=hunter2');
    assert.equal(withToken.code, 2);
    assert.doesNotMatch(withToken.stderr, /hunter2/);
    assert.equal((await cli('watch', '--duration', '5', '--pid', '1')).code, 2);
    const unverifiedPid = await cli('watch', '--no-verify-certificate', '--pid', '1');
    assert.equal(unverifiedPid.code, 2);
    assert.match(unverifiedPid.stderr, /--no-verify-certificate goes with --server URL/);
    assert.match((await cli('watch', '--help')).stdout, /--server URL[\s\S]*--token-env NAME[\s\S]*--no-verify-certificate/);
  });
});
