import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerConnection } from '@jupyterlab/services';
import { RemoteServerError, certificateProblem, describeRequestFailure, httpError, makeServerSettings } from '../../src/remote/serverConnection';
import { parseServerUrl } from '../../src/remote/serverUrl';

const address = parseServerUrl('http://127.0.0.1:8888/user/demo/');

describe('makeServerSettings', () => {
  it('gives the library the base and websocket URLs, the token, ws and fetch', () => {
    const settings = makeServerSettings(address, 'tok');
    assert.equal(settings.baseUrl, 'http://127.0.0.1:8888/user/demo/');
    assert.equal(settings.wsUrl, 'ws://127.0.0.1:8888/user/demo/');
    assert.equal(settings.token, 'tok');
    assert.equal(settings.appendToken, true);
    assert.equal(typeof settings.WebSocket, 'function');
    assert.equal(typeof settings.fetch, 'function');
    assert.equal(settings.Request, globalThis.Request, 'verified: the global fetch stack');
  });

  it('gives a server whose certificate is not verified its own fetch stack and WebSocket, leaving the defaults alone', () => {
    const verified = makeServerSettings(address, 'tok');
    const unverified = makeServerSettings(address, 'tok', { verifyCertificate: false });
    assert.notEqual(unverified.Request, globalThis.Request);
    assert.notEqual(unverified.WebSocket, verified.WebSocket);
    assert.equal(makeServerSettings(address, 'tok', { verifyCertificate: true }).WebSocket, verified.WebSocket);
    assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
  });
});

describe('certificate problems in plain words', () => {
  it('names what is wrong for the verification codes Node gives', () => {
    assert.equal(certificateProblem('SELF_SIGNED_CERT_IN_CHAIN'), 'self-signed');
    assert.equal(certificateProblem('UNABLE_TO_GET_ISSUER_CERT_LOCALLY'), 'issued by an authority this machine does not know');
    assert.equal(certificateProblem('CERT_HAS_EXPIRED'), 'expired');
    assert.equal(certificateProblem('ERR_TLS_CERT_ALTNAME_INVALID'), 'issued for another host name');
    assert.equal(certificateProblem('CERT_REVOKED'), 'rejected');
    assert.equal(certificateProblem('ECONNREFUSED'), undefined);
  });
});

describe('request failures in plain words', () => {
  it('names a refused token, a missing API and other statuses without the token', () => {
    const refused = httpError(address, 403);
    assert.equal(refused.kind, 'refused-token');
    assert.match(refused.message, /refused the token \(HTTP 403\)/);
    assert.equal(httpError(address, 404).kind, 'not-jupyter');
    assert.match(httpError(address, 502).message, /answered HTTP 502/);
  });

  it("reads the library's ResponseError status and the network code kept by our fetch", () => {
    const response = { status: 403 } as Response;
    assert.equal(describeRequestFailure(address, new ServerConnection.ResponseError(response)).kind, 'refused-token');
    const refused = describeRequestFailure(address, new ServerConnection.NetworkError(new TypeError('fetch failed (ECONNREFUSED)')));
    assert.equal(refused.kind, 'unreachable');
    assert.match(refused.message, /cannot reach the Jupyter Server at http:\/\/127.0.0.1:8888\/user\/demo\/: connection refused/);
    const dns = describeRequestFailure(address, Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }));
    assert.match(dns.message, /does not resolve/);
    const selfSigned = describeRequestFailure(address, new ServerConnection.NetworkError(new TypeError('fetch failed (DEPTH_ZERO_SELF_SIGNED_CERT)')));
    assert.equal(selfSigned.kind, 'certificate');
    assert.match(selfSigned.message, /its certificate is not trusted \(self-signed; DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    const plainHttp = describeRequestFailure(address, Object.assign(new TypeError('fetch failed'), { cause: { code: 'ERR_SSL_WRONG_VERSION_NUMBER' } }));
    assert.equal(plainHttp.kind, 'unreachable');
    assert.match(plainHttp.message, /does not answer https \(try http:\/\/\)/);
    const kept = new RemoteServerError('http', 'x');
    assert.equal(describeRequestFailure(address, kept), kept);
  });
});
