// The pure layers' event emitter: delivery order, unsubscribing while an event is delivered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Emitter } from '../../src/core/emitter';

describe('emitter', () => {
  it('delivers to every listener in subscription order, and no more after dispose of the subscription', () => {
    const emitter = new Emitter<number>();
    const seen: string[] = [];
    const a = emitter.event((n) => seen.push(`a${n}`));
    emitter.event((n) => seen.push(`b${n}`));
    emitter.fire(1);
    a.dispose();
    a.dispose();
    emitter.fire(2);
    assert.deepEqual(seen, ['a1', 'b1', 'b2']);
    assert.equal(emitter.listenerCount, 1);
  });

  it('delivers the current event to a listener removed during it, and not to one added during it', () => {
    const emitter = new Emitter();
    const seen: string[] = [];
    const later: { second?: { dispose(): void } } = {};
    emitter.event(() => {
      seen.push('first');
      later.second?.dispose();
      emitter.event(() => seen.push('late'));
    });
    later.second = emitter.event(() => seen.push('second'));
    emitter.fire();
    assert.deepEqual(seen, ['first', 'second']);
    emitter.fire();
    assert.deepEqual(seen, ['first', 'second', 'first', 'late']);
  });

  it('forgets every listener when disposed', () => {
    const emitter = new Emitter<string>();
    let calls = 0;
    emitter.event(() => calls++);
    emitter.dispose();
    emitter.fire('x');
    assert.equal(calls, 0);
    assert.equal(emitter.listenerCount, 0);
  });
});
