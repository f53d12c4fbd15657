import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerUrlError, parseServerUrl } from '../../src/remote/serverUrl';

describe('parseServerUrl', () => {
  it('normalises a base URL with a trailing slash and derives the websocket URL', () => {
    assert.deepEqual(parseServerUrl('http://127.0.0.1:8888'), { baseUrl: 'http://127.0.0.1:8888/', wsUrl: 'ws://127.0.0.1:8888/', display: 'http://127.0.0.1:8888/' });
    const hub = parseServerUrl(' https://hub.example.org/user/demo ');
    assert.equal(hub.baseUrl, 'https://hub.example.org/user/demo/');
    assert.equal(hub.wsUrl, 'wss://hub.example.org/user/demo/');
  });

  it('takes the base of a page URL (lab, tree)', () => {
    assert.equal(parseServerUrl('http://h:1/user/demo/lab').baseUrl, 'http://h:1/user/demo/');
    assert.equal(parseServerUrl('http://h:1/lab/tree/a.ipynb').baseUrl, 'http://h:1/');
  });

  it('refuses malformed URLs and other schemes with a plain message', () => {
    assert.throws(() => parseServerUrl('localhost:8888'), (e: Error) => e instanceof ServerUrlError && /http:\/\/ or https:\/\//.test(e.message));
    assert.throws(() => parseServerUrl('not a url'), /is not a URL/);
    assert.throws(() => parseServerUrl('ftp://h/'), ServerUrlError);
  });

  it('refuses a token in the URL without repeating it', () => {
    assert.throws(
      () => parseServerUrl('http://127.0.0.1:8888/?token=s3cr3t'),
      (e: Error) => e instanceof ServerUrlError && /pass the token apart/.test(e.message) && !e.message.includes('s3cr3t'),
    );
    assert.throws(() => parseServerUrl('http://me:s3cr3t@h/'), (e: Error) => !e.message.includes('s3cr3t'));
    assert.throws(() => parseServerUrl('nope?token=s3cr3t'), (e: Error) => !e.message.includes('s3cr3t'));
  });
});
