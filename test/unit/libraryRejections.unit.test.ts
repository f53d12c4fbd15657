// The guard of @jupyterlab/services' two unhandled rejections lets only those two go (the real
// library's are produced in test/integration/remoteLibraryRejections.integration.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kernel } from '@jupyterlab/services';
import { guardLibraryRejections, isLibraryOwnRejection } from '../../src/remote/libraryRejections';

function fakeConnection(rejectWith: Error): Kernel.IKernelConnection {
  return {
    requestKernelInfo: () => Promise.reject(rejectWith),
    reconnect: () => Promise.reject(rejectWith),
  } as unknown as Kernel.IKernelConnection;
}

describe('the guard of the library-own rejections', () => {
  it('knows the two by their messages, and nothing else', () => {
    assert.ok(isLibraryOwnRejection(new Error('Canceled future for kernel_info_request message before replies were done')));
    assert.ok(isLibraryOwnRejection(new Error('Kernel connection disconnected')));
    assert.ok(!isLibraryOwnRejection(new Error('Canceled future for execute_request message before replies were done')));
    assert.ok(!isLibraryOwnRejection(new Error('Kernel is dead')));
    assert.ok(!isLibraryOwnRejection(undefined));
    assert.ok(!isLibraryOwnRejection({ message: 'Kernel connection disconnected' }));
  });

  it('resolves those two to undefined', async () => {
    const canceled = guardLibraryRejections(fakeConnection(new Error('Canceled future for kernel_info_request message before replies were done')));
    assert.equal(await canceled.requestKernelInfo(), undefined);
    const disconnected = guardLibraryRejections(fakeConnection(new Error('Kernel connection disconnected')));
    assert.equal(await disconnected.reconnect(), undefined);
  });

  it('passes any other rejection on unchanged', async () => {
    const error = new Error('Kernel info reply errored');
    const connection = guardLibraryRejections(fakeConnection(error));
    await assert.rejects(connection.requestKernelInfo(), (thrown) => thrown === error);
    await assert.rejects(connection.reconnect(), (thrown) => thrown === error);
  });
});
