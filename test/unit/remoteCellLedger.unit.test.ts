// The remote kernel's ledger from iopub messages as a Jupyter Server broadcasts them (shapes
// recorded from jupyter_server 1.23 / ipykernel 6.17, see test/integration/remoteLedger).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellLabel, KernelClock, RemoteCellLedger, type IopubMessage } from '../../src/remote/remoteCellLedger';

const MB = 1024 * 1024;
const OURS = 'our-client-id';
const iso = (ms: number): string => new Date(ms).toISOString();

function message(type: string, parent: IopubMessage['parent_header'], content: unknown, dateMs?: number): IopubMessage {
  return { header: { msg_type: type, ...(dateMs !== undefined ? { date: iso(dateMs) } : {}) }, parent_header: parent, content };
}
const request = (id: string, session = 'lab-client') => ({ msg_id: id, msg_type: 'execute_request', session });
const input = (id: string, count: number, code: string, dateMs: number, session?: string) => message('execute_input', request(id, session), { code, execution_count: count }, dateMs);
const idle = (id: string, dateMs: number) => message('status', request(id), { execution_state: 'idle' }, dateMs);

describe('RemoteCellLedger', () => {
  it("records a cell's start, peak, end and what it retained, on the kernel's clock", () => {
    const ledger = new RemoteCellLedger(() => OURS);
    // the kernel's clock runs 5 s ahead of ours; a reply stamped 10_000 came back at 5_010 after 20 ms
    ledger.clock.observe(10_000, 4_990, 5_010);
    assert.equal(ledger.clock.offsetMs, 5_000);
    ledger.sample(5_000, 100 * MB);
    ledger.sample(6_000, 110 * MB);
    // the cell began at kernel time 11_050 (our 6_050); its message reached us at 7_400
    ledger.sample(7_000, 250 * MB);
    assert.deepEqual(ledger.iopub(input('m1', 3, '\nx = b"1" * 200_000_000\n', 11_050), 7_400), { kind: 'started', cellId: 'm1' });
    ledger.sample(8_000, 320 * MB);
    assert.deepEqual(ledger.iopub(idle('m1', 13_500), 8_600), { kind: 'ended', cellId: 'm1' });
    assert.equal(ledger.sample(8_400, 330 * MB), undefined, 'a sample from before the end does not close it');
    const entry = ledger.sample(8_700, 300 * MB)!;
    assert.ok(entry, 'the first sample after the end closes the entry');
    assert.equal(entry.label, '[3] x = b"1" * 200_000_000');
    assert.equal(entry.executionOrder, 3);
    assert.equal(entry.startBytes, 110 * MB, 'from the last sample before its start on the kernel clock, not when its message came');
    assert.equal(entry.peakBytes, 330 * MB);
    assert.equal(entry.retainedBytes, 190 * MB);
    assert.equal(entry.outcome, 'succeeded');
    assert.equal(entry.endedAt, 8_500);
  });

  it('fails a cell that raised, and ignores what our own client runs (the bridge)', () => {
    const ledger = new RemoteCellLedger(() => OURS);
    ledger.sample(0, 100 * MB);
    ledger.iopub(input('mine', 0, 'probe()', 10, OURS), 10);
    assert.equal(ledger.current, undefined, 'our own execute_request is no cell');
    ledger.iopub(input('m2', 4, '1/0', 20), 20);
    ledger.iopub(message('error', request('m2'), { ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: [] }), 25);
    ledger.iopub(idle('m2', 30), 30);
    const entry = ledger.sample(40, 100 * MB)!;
    assert.equal(entry.outcome, 'failed');
  });

  it("waits for the last cell's end figure before the next cell, queued behind it, starts from it", () => {
    const ledger = new RemoteCellLedger(() => OURS);
    ledger.sample(0, 100 * MB);
    ledger.iopub(input('a', 1, 'a = load()', 10), 10);
    ledger.sample(15, 100 * MB); // before the cell's allocations showed
    ledger.iopub(idle('a', 20), 20);
    ledger.iopub(input('b', 2, 'b = 2', 21), 21);
    ledger.iopub(idle('b', 22), 22);
    assert.deepEqual(ledger.list().map((entry) => [entry.executionOrder, entry.outcome]), [[1, 'running']], 'both wait for a figure asked after the first end');
    assert.equal(ledger.sample(19, 300 * MB), undefined, 'measured before the end: closes nothing');
    ledger.sample(21, 300 * MB);
    assert.deepEqual(ledger.list().map((entry) => [entry.executionOrder, entry.outcome, entry.retainedBytes === null ? null : entry.retainedBytes / MB]), [[1, 'succeeded', 200], [2, 'running', null]]);
    assert.equal(ledger.list()[1].startBytes, 300 * MB, "the queued cell starts from the last cell's end figure");
    ledger.sample(23, 300 * MB);
    assert.deepEqual(ledger.list().map((entry) => entry.retainedBytes! / MB), [200, 0]);
  });

  it("reads the server's 'restarting' with no parent as the kernel's death, naming the running cell", () => {
    const ledger = new RemoteCellLedger(() => OURS);
    ledger.sample(0, 100 * MB);
    ledger.iopub(input('big', 7, 'grow()', 10), 10);
    ledger.sample(500, 690 * MB);
    const died = ledger.iopub(message('status', {}, { execution_state: 'restarting' }, 900), 900);
    assert.equal(died?.kind, 'died');
    assert.equal(died.kind === 'died' && died.running?.executionOrder, 7);
    assert.equal(ledger.list()[0].outcome, 'failed');
    assert.equal(ledger.current, undefined);
    // a restart someone asked for is a shutdown_request's reply, not a death
    assert.equal(ledger.iopub(message('status', { msg_id: 's', msg_type: 'shutdown_request', session: 'x' }, { execution_state: 'idle' }, 950), 950), undefined);
  });

  it('labels cells by execution count and first code line', () => {
    assert.equal(cellLabel(12, '\n\n  df = pd.read_csv(path)\nmore'), '[12] df = pd.read_csv(path)');
    assert.equal(cellLabel(null, ''), '[ ]');
    assert.equal(cellLabel(1, 'x'.repeat(60)), `[1] ${'x'.repeat(39)}…`);
  });
});

describe('KernelClock', () => {
  it('keeps the estimate of the fastest round trip, and ignores replies without a date', () => {
    const clock = new KernelClock();
    assert.equal(clock.toLocal(1_000), 1_000, 'no offset known: the same clock');
    clock.observe(undefined, 0, 10);
    assert.equal(clock.offsetMs, undefined);
    clock.observe(2_100, 0, 200); // ± 100 ms
    clock.observe(2_505, 1_000, 1_010); // ± 5 ms
    clock.observe(9_000, 2_000, 2_300); // slower, not taken
    assert.equal(clock.offsetMs, 1_500);
    assert.equal(clock.toLocal(3_000), 1_500);
  });
});
