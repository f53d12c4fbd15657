// What "Connect to Jupyter Server…" offers: the typed URL first (or what is wrong with it),
// then the servers running on this machine that are not connected; one token key per base URL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectChoices, serverUrlProblem, tokenSecretKey } from '../../src/model/remoteConnect';
import type { DiscoveredServer } from '../../src/remote/runtimeDir';

const HERE: DiscoveredServer = { url: 'http://127.0.0.1:8888/', token: 'secret-a', pid: 321, rootDir: '/home/me', file: 'jpserver-321.json' };
const HUB: DiscoveredServer = { url: 'http://localhost:9999/user/demo', token: '', pid: undefined, rootDir: undefined, file: 'nbserver-9.json' };

describe('connectChoices', () => {
  it('offers the servers on this machine, with their tokens, when nothing is typed', () => {
    const choices = connectChoices('', [HERE, HUB], new Set());
    assert.deepEqual(choices.map((c) => [c.label, c.description, c.url, c.token]), [
      ['http://127.0.0.1:8888/', 'running on this machine', 'http://127.0.0.1:8888/', 'secret-a'],
      ['http://localhost:9999/user/demo/', 'running on this machine', 'http://localhost:9999/user/demo/', ''],
    ]);
    assert.equal(choices[0].detail, 'serves /home/me · PID 321');
  });

  it('puts a typed URL first, normalised with its base path, and leaves out connected servers', () => {
    const choices = connectChoices(' https://hub.example.org/user/ana/lab ', [HERE], new Set(['http://127.0.0.1:8888/']));
    assert.deepEqual(choices.map((c) => [c.label, c.url, c.token]), [['https://hub.example.org/user/ana/', 'https://hub.example.org/user/ana/', undefined]]);
  });

  it('says what is wrong with a typed text and never repeats a token typed into the URL', () => {
    const [choice] = connectChoices('http://127.0.0.1:8888/?token=abc123', [], new Set());
    assert.equal(choice.url, undefined);
    assert.match(choice.problem ?? '', /carries a token/);
    assert.doesNotMatch(JSON.stringify(choice), /abc123/);
    assert.match(connectChoices('ftp://x', [], new Set())[0].problem ?? '', /starts with http:\/\/ or https:\/\//);
  });
});

describe('serverUrlProblem and tokenSecretKey', () => {
  it('accepts http and https URLs, refuses empty text and non-URLs', () => {
    assert.equal(serverUrlProblem('http://127.0.0.1:8888'), undefined);
    assert.match(serverUrlProblem('  ') ?? '', /type the server's URL/);
    assert.match(serverUrlProblem('not a url') ?? '', /is not a URL/);
  });

  it('keys the token by the base URL', () => {
    assert.equal(tokenSecretKey('http://127.0.0.1:8888/'), 'kernelMemoryWatch.remote.token:http://127.0.0.1:8888/');
  });
});
