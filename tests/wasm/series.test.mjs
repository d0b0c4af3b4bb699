// series(connId, since): only the samples after the cursor, a cursor that advances, and the
// same samples as one full read; packet identity in the event feed; a run limit, then a lesson.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { create, readExample } from './helpers.mjs';

describe('incremental series, packet identity, run limits', () => {
  let pg;
  before(async () => {
    pg = await create();
  });
  after(() => pg.dispose());

  test('series(connId, since) returns only new samples', () => {
    assert.deepEqual(pg.load(readExample('18-congestion-control.json')).errors, []);
    pg.runUntil('1500ms');
    const id = pg.snapshot().connections[0].id;
    const kept = { t: [], cwnd: [] };
    let cursor = 0;
    for (const t of ['2s', '3s', '5s', '8s', '12s']) {
      pg.runUntil(t);
      const s = pg.series(id, cursor);
      assert.equal(s.reset, false);
      assert.equal(s.generation, 0);
      assert.equal(s.from, cursor);
      assert.ok(s.next >= cursor);
      assert.equal(s.t.length, s.next - cursor);
      kept.t.push(...s.t);
      kept.cwnd.push(...s.cwnd);
      cursor = s.next;
    }
    const full = pg.series(id);
    assert.equal(full.from, 0);
    assert.equal(full.next, cursor);
    assert.deepEqual(kept.t, full.t);
    assert.deepEqual(kept.cwnd, full.cwnd);
    assert.equal(pg.series(id, cursor).t.length, 0, 'nothing new');
    assert.throws(() => pg.series(id, cursor + 1), /is not a cursor/);
  });

  test('packet events name their packet, connections and tag', () => {
    assert.deepEqual(pg.load(readExample('05-closed-port.json')).errors, []);
    pg.runUntil(pg.duration());
    const events = pg.eventsSince(0, 100000).events;
    const syn = events.find((e) => e.kind === 'packet_sent' && e.pkt.flags === 'S');
    assert.ok(syn.packet > 0 && syn.conn > 0);
    const rst = events.find((e) => e.kind === 'packet_sent' && e.pkt.flags.includes('R'));
    assert.equal(rst.tag, 'rst_reply');
    assert.equal(rst.conn, undefined, 'the stack, not a connection, answered');
    const received = events.find((e) => e.kind === 'packet_received' && e.packet === rst.packet);
    assert.equal(received.peer_conn, syn.conn, 'the RST reached the connection that sent the SYN');
  });

  test('a run limit ends the run; the next lesson loads and runs', () => {
    const slow = {
      duration: '60s',
      limits: { max_packets: 200 },
      hosts: [{ name: 'a', addr: '10.0.0.1' }, { name: 'b', addr: '10.0.0.2' }],
      links: [{ name: 'slow', a: 'a', b: 'b', delay: '10ms', bandwidth: '1kbit', queue: { packets: 0 } }],
      apps: [
        { type: 'udp_stream_receiver', name: 'rx', host: 'b', port: 9000 },
        { type: 'udp_stream_sender', name: 'tx', host: 'a', to: 'b:9000', rate: 1000, count: 0 },
      ],
    };
    assert.deepEqual(pg.load(JSON.stringify(slow)).errors, []);
    assert.throws(() => pg.runUntil('60s'), /packets in flight or queued .*link "slow" has 200 queued/);
    assert.throws(() => pg.step(), /^Error: the run ended: run stopped at/);
    assert.deepEqual(pg.load(readExample('01-handshake.json')).errors, []);
    pg.runUntil(pg.duration());
    assert.ok(pg.tcpdumpText().includes('Flags [S]'));
  });
});
