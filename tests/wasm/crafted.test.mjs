// A crafted-segment round trip through the module: an RST exactly at RCV.NXT resets the
// server's connection (it goes CLOSED); one elsewhere in the window draws an RFC 5961 §3.2
// challenge ACK; one outside the window is dropped silently (RFC 9293 §3.10.7.4); a SYN in
// ESTABLISHED draws a challenge ACK too (RFC 5961 §4).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { create, twoHosts } from './helpers.mjs';

const conn = (snap, name) => snap.connections.find((c) => c.name === name);

describe('crafted segments', () => {
  let pg;
  before(async () => {
    pg = await create();
  });
  after(() => pg.dispose());

  /** Injects `segment`, runs 50 ms more and returns the events from the injection on. */
  function injectAndRun(segment) {
    const cursor = pg.eventsSince(0, 1).end;
    pg.inject(segment);
    pg.runUntil(pg.now() + 50e6);
    return pg.eventsSince(cursor, 100000).events;
  }

  /** Loads the two hosts and runs until c1/srv.1 are established; returns srv.1's RCV.NXT. */
  function established() {
    assert.deepEqual(pg.load(twoHosts).errors, []);
    pg.runUntil('2s');
    const srv = conn(pg.snapshot(), 'srv.1');
    assert.equal(srv.state, 'ESTABLISHED');
    return srv.rcv_nxt;
  }

  const rst = { host: 'client', to: 'server', src_port: 40000, dst_port: 80, flags: 'R' };

  test('suggestSeqAck gives the peer\'s RCV.NXT and SND.NXT', () => {
    established();
    const srv = conn(pg.snapshot(), 'srv.1');
    const sa = pg.suggestSeqAck('client', 'server', 40000, 80);
    assert.deepEqual(sa, { seq: srv.rcv_nxt, ack: srv.snd_nxt });
    assert.deepEqual(pg.suggestSeqAck('client', '10.0.0.2', 40000, 80), sa);
  });

  test('RST with seq = RCV.NXT: the connection goes CLOSED', () => {
    const rcvNxt = established();
    const events = injectAndRun({ ...rst, seq: rcvNxt });
    const change = events.find((e) => e.kind === 'state_change' && e.host === 'server' && e.to === 'CLOSED');
    assert.ok(change, 'a state change to CLOSED');
    assert.equal(change.from, 'ESTABLISHED');
    const snap = pg.snapshot();
    assert.equal(conn(snap, 'srv.1'), undefined);
    const closed = snap.closed.find((c) => c.name === 'srv.1');
    assert.equal(closed.reason, 'reset');
    // The client never saw it: still ESTABLISHED, and the crafted segment is in the trace.
    assert.equal(conn(snap, 'c1').state, 'ESTABLISHED');
    const sent = events.find((e) => e.kind === 'packet_sent' && e.host === 'client' && e.pkt.flags === 'R');
    assert.equal(sent.pkt.seq, rcvNxt);
    assert.match(sent.text, /Flags \[R\]/);
    // Recorded: a saved session replays the same reset.
    const replay = JSON.parse(pg.scenario()).timeline.at(-1);
    assert.equal(replay.do, 'inject');
    assert.equal(replay.at, '2s');
  });

  test('RST in the window but not at RCV.NXT: a challenge ACK, and the connection stays', () => {
    const rcvNxt = established();
    const events = injectAndRun({ ...rst, seq: (rcvNxt + 100) >>> 0 });
    const drop = events.find((e) => e.kind === 'packet_dropped' && e.host === 'server');
    assert.equal(drop?.name, 'rst_in_window_challenge_ack');
    const ack = events.find((e) => e.kind === 'packet_sent' && e.host === 'server');
    assert.ok(ack, 'the server answers');
    assert.equal(ack.pkt.flags, '.');
    assert.equal(ack.pkt.ack, rcvNxt);
    assert.equal(conn(pg.snapshot(), 'srv.1').state, 'ESTABLISHED');
  });

  test('RST out of the window: dropped without an answer', () => {
    const rcvNxt = established();
    const events = injectAndRun({ ...rst, seq: (rcvNxt + 0x40000000) >>> 0 });
    const drop = events.find((e) => e.kind === 'packet_dropped' && e.host === 'server');
    assert.equal(drop?.name, 'rst_out_of_window');
    assert.equal(events.filter((e) => e.kind === 'packet_sent' && e.host === 'server').length, 0);
    assert.equal(conn(pg.snapshot(), 'srv.1').state, 'ESTABLISHED');
  });

  test('SYN on an established connection: a challenge ACK', () => {
    const rcvNxt = established();
    const events = injectAndRun({ ...rst, flags: 'S', seq: rcvNxt });
    const drop = events.find((e) => e.kind === 'packet_dropped' && e.host === 'server');
    assert.match(drop?.name ?? '', /challenge_ack/);
    const ack = events.find((e) => e.kind === 'packet_sent' && e.host === 'server');
    assert.equal(ack?.pkt.flags, '.');
    assert.equal(conn(pg.snapshot(), 'srv.1').state, 'ESTABLISHED');
  });

  test('manual mode: the server stays silent and a person answers by hand', () => {
    assert.deepEqual(pg.load(twoHosts).errors, []);
    pg.setManual('server', true);
    pg.runUntil('1100ms');
    let snap = pg.snapshot();
    assert.equal(snap.hosts[1].manual, true);
    assert.equal(conn(snap, 'c1').state, 'SYN_SENT');
    // Answer the SYN with a SYN-ACK crafted by hand.
    const syn = pg.eventsSince(0).events.find((e) => e.kind === 'packet_sent' && e.pkt?.flags === 'S');
    pg.inject({ host: 'server', to: 'client', src_port: 80, dst_port: 40000, flags: 'SA', seq: 1000, ack: (syn.pkt.seq + 1) >>> 0 });
    pg.runUntil('1200ms');
    snap = pg.snapshot();
    assert.equal(conn(snap, 'c1').state, 'ESTABLISHED');
  });
});
