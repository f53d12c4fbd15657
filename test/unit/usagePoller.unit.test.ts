import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsagePoller, type PendingUsageRequest, type PollerState, type UsageReading } from '../../src/remote/usagePoller';
import { NO_USAGE_REASON } from '../../src/remote/usageReply';

/** A request the test answers by hand, as a kernel would, late or never. */
class ManualRequests {
  readonly sent: Array<{ answer: (content: unknown) => void; cancelled: boolean }> = [];
  connected = true;
  readonly requester = (): PendingUsageRequest | undefined => {
    if (!this.connected) return undefined;
    let answer!: (content: unknown) => void;
    const reply = new Promise<unknown>((resolve) => (answer = resolve));
    const entry = { answer, cancelled: false };
    this.sent.push(entry);
    return { reply, cancel: () => (entry.cancelled = true) };
  };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function poller(requests: ManualRequests, clock: { t: number }) {
  const readings: UsageReading[] = [];
  const states: Array<[PollerState, string | undefined]> = [];
  const p = new UsagePoller({
    request: requests.requester,
    onReading: (reading) => readings.push(reading),
    onStateChange: (state, reason) => states.push([state, reason]),
    now: () => clock.t,
  });
  return { p, readings, states };
}

describe('UsagePoller', () => {
  it('sends one request per tick, never a second while one is out', async () => {
    const requests = new ManualRequests();
    const clock = { t: 0 };
    const { p, readings } = poller(requests, clock);
    p.tick();
    p.tick(); // the first is unanswered: nothing sent
    assert.equal(requests.sent.length, 1);
    clock.t = 40;
    requests.sent[0].answer({ kernel_memory: 5e7, pid: 7 });
    await flush();
    assert.equal(readings.length, 1);
    assert.equal(readings[0].roundTripMs, 40);
    assert.equal(readings[0].usage.memoryBytes, 5e7);
    p.tick();
    assert.equal(requests.sent.length, 2);
  });

  it('marks a kernel whose replies stop as not answering after 3 silent ticks, then tries again', async () => {
    const requests = new ManualRequests();
    const clock = { t: 0 };
    const { p, states, readings } = poller(requests, clock);
    p.tick();
    requests.sent[0].answer({ kernel_memory: 5e7 });
    await flush();
    assert.equal(p.state, 'answering');
    p.tick(); // request 2, never answered
    p.tick();
    p.tick();
    assert.equal(p.state, 'answering');
    p.tick(); // third silent tick: give up on it, say so, ask again
    assert.equal(p.state, 'not-answering');
    assert.equal(requests.sent[1].cancelled, true);
    assert.equal(requests.sent.length, 3);
    requests.sent[1].answer({ kernel_memory: 1 }); // too late: not a sample
    requests.sent[2].answer({ kernel_memory: 6e7 });
    await flush();
    assert.deepEqual(readings.map((r) => r.usage.memoryBytes), [5e7, 6e7]);
    assert.equal(p.state, 'answering');
    assert.deepEqual(states.map(([state]) => state), ['answering', 'not-answering', 'answering']);
  });

  it('says the kernel does not report its memory when it never answers, or answers without memory', async () => {
    const requests = new ManualRequests();
    const clock = { t: 0 };
    const { p } = poller(requests, clock);
    for (let i = 0; i < 4; i++) p.tick();
    assert.equal(p.state, 'waiting', 'too early to judge: a kernel may be starting');
    clock.t = 11_000;
    for (let i = 0; i < 3; i++) p.tick();
    assert.equal(p.state, 'no-usage');
    assert.equal(p.reason, NO_USAGE_REASON);

    const other = new ManualRequests();
    const { p: p2 } = poller(other, { t: 0 });
    p2.tick();
    other.sent[0].answer({ status: 'error' });
    await flush();
    assert.equal(p2.state, 'no-usage');
  });

  it('sends nothing while not connected, and nothing after dispose', () => {
    const requests = new ManualRequests();
    requests.connected = false;
    const { p } = poller(requests, { t: 0 });
    p.tick();
    assert.equal(requests.sent.length, 0);
    requests.connected = true;
    p.tick();
    assert.equal(requests.sent.length, 1);
    p.dispose();
    assert.equal(requests.sent[0].cancelled, true);
    p.tick();
    assert.equal(requests.sent.length, 1);
  });

  it('says why when no request can be sent (the websocket is not connected), and never calls that kernel unable to report', async () => {
    const requests = new ManualRequests();
    requests.connected = false;
    const clock = { t: 0 };
    const states: Array<[PollerState, string | undefined]> = [];
    const p = new UsagePoller({ request: requests.requester, onReading: () => {}, onStateChange: (state, reason) => states.push([state, reason]), unreachableReason: () => (requests.connected ? undefined : 'its websocket is still connecting'), now: () => clock.t });
    for (let i = 0; i < 30; i++) {
      clock.t += 1000;
      p.tick();
    }
    assert.equal(p.state, 'not-answering');
    assert.equal(p.reason, 'its websocket is still connecting');
    assert.deepEqual(states, [['not-answering', 'its websocket is still connecting']]);
    requests.connected = true;
    p.tick();
    requests.sent[0].answer({ kernel_memory: 5e7 });
    await flush();
    assert.equal(p.state, 'answering');
  });
});
