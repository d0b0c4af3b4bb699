// eventsSince: only new events, a cursor that advances, capped pages, retention, and stepping.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { create, readExample } from './helpers.mjs';

describe('eventsSince and stepping', () => {
  let pg;
  before(async () => {
    pg = await create();
  });
  after(() => pg.dispose());

  test('returns only new events, with a cursor that advances', () => {
    assert.deepEqual(pg.load(readExample('01-handshake.json')).errors, []);
    let page = pg.eventsSince(0);
    assert.deepEqual(page.events, []);
    assert.equal(page.next, 0);

    const all = [];
    let cursor = 0;
    for (const t of ['1s', '1500ms', '2s', '2500ms', '4s', '10s']) {
      pg.runUntil(t);
      page = pg.eventsSince(cursor);
      assert.equal(page.dropped, 0);
      assert.equal(page.next, page.end, 'everything new fits in one page');
      if (page.events.length) assert.equal(page.events[0].i, cursor, 'starts at the cursor');
      assert.ok(page.next >= cursor);
      for (const e of page.events) assert.ok(e.t_ns <= pg.now());
      all.push(...page.events);
      cursor = page.next;
      // Asking again gives nothing new.
      assert.deepEqual(pg.eventsSince(cursor).events, []);
    }
    // Consecutive, no gaps, no repeats, and the same as the whole JSON Lines export.
    assert.deepEqual(all.map((e) => e.i), all.map((_, k) => k));
    const lines = pg.jsonl().trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(all.map(({ text, ...e }) => e), lines);
    // Every packet sent carries its tcpdump line, as tcpdumpText() prints it.
    const packetLines = pg.tcpdumpText().split('\n').filter((l) => / IP /.test(l));
    assert.deepEqual(all.filter((e) => e.kind === 'packet_sent').map((e) => e.text), packetLines);
    assert.ok(all.filter((e) => e.kind !== 'packet_sent').every((e) => e.text === undefined));
  });

  test('pages are capped and continue where the last one ended', () => {
    assert.deepEqual(pg.load(readExample('01-handshake.json')).errors, []);
    pg.runUntil('10s');
    const whole = pg.eventsSince(0, 1e6).events;
    const pieces = [];
    let cursor = 0;
    let pages = 0;
    for (;;) {
      const page = pg.eventsSince(cursor, 7);
      if (!page.events.length) break;
      assert.ok(page.events.length <= 7);
      pieces.push(...page.events);
      cursor = page.next;
      ++pages;
    }
    assert.ok(pages > 3);
    assert.deepEqual(pieces, whole);
  });

  test('retention: dropped events are counted and the cursor skips them', () => {
    const doc = JSON.parse(readExample('01-handshake.json'));
    doc.trace = { max_events: 10 };
    assert.deepEqual(pg.load(doc).errors, []);
    pg.runUntil('1100ms');
    const p1 = pg.eventsSince(0);
    pg.runUntil('10s');
    const p2 = pg.eventsSince(p1.next);
    assert.ok(p2.first > p1.next, 'events were dropped meanwhile');
    assert.equal(p2.dropped, p2.first - p1.next);
    assert.equal(p2.events[0].i, p2.first);
    assert.ok(p2.events.length <= 10);
  });

  test('a reset restarts the trace: the run number changes', () => {
    assert.deepEqual(pg.load(readExample('01-handshake.json')).errors, []);
    pg.runUntil('10s');
    const before = pg.eventsSince(0);
    pg.reset();
    assert.equal(pg.now(), 0);
    const after = pg.eventsSince(0);
    assert.equal(after.run, before.run + 1);
    assert.equal(after.end, 0);
    assert.throws(() => pg.eventsSince(before.next), /past the end of the trace/);
    pg.runUntil('10s');
    assert.deepEqual(pg.eventsSince(0, 1e6).events, pg.eventsSince(0, 1e6).events);
    assert.equal(pg.eventsSince(0).end, before.end);
  });

  test('step, stepPacket, nextEventTime', () => {
    assert.deepEqual(pg.load(readExample('01-handshake.json')).errors, []);
    assert.equal(pg.nextEventTime(), 0);
    assert.equal(pg.step(), true);
    assert.equal(pg.nextEventTime(), 1e9);
    let cursor = pg.eventsSince(0).next;
    const packets = [];
    while (pg.stepPacket().sent) {
      const page = pg.eventsSince(cursor);
      cursor = page.next;
      const sent = page.events.filter((e) => e.kind === 'packet_sent');
      assert.equal(sent.length, 1, 'one packet per stepPacket');
      packets.push(sent[0].text);
    }
    assert.equal(packets.length, 9);
    assert.match(packets[0], /Flags \[S\]/);
    assert.match(packets[1], /Flags \[S\.\]/);
    assert.equal(pg.nextEventTime(), -1);
    assert.equal(pg.step(), false);
  });

  test('snapshot and series', () => {
    assert.deepEqual(pg.load(readExample('01-handshake.json')).errors, []);
    pg.runUntil('2500ms');
    const snap = pg.snapshot();
    assert.equal(snap.time_ns, 2.5e9);
    assert.deepEqual(snap.hosts.map((h) => h.name), ['client', 'server']);
    assert.deepEqual(snap.hosts[1].listeners.map((l) => [l.port, l.name]), [[80, 'srv']]);
    const c1 = snap.connections.find((c) => c.name === 'c1');
    assert.equal(c1.state, 'ESTABLISHED');
    assert.ok(Array.isArray(c1.timers));
    assert.equal(snap.links[0].params.delay_ns, 10e6);
    assert.equal(snap.links[0].directions[0].from, 'client');
    const s = pg.series(c1.id);
    assert.equal(s.name, 'c1');
    for (const k of ['cwnd', 'ssthresh', 'in_flight', 'srtt', 'rto', 'rwnd']) assert.equal(s[k].length, s.t.length, k);
    assert.ok(s.t.length > 0);
    const pcap = pg.pcap();
    assert.ok(pcap instanceof Uint8Array);
    assert.deepEqual([...pcap.subarray(0, 4)], [0x4d, 0x3c, 0xb2, 0xa1]);
    // Live edits show up in the snapshot and in the saved scenario.
    pg.setLink('lan', { loss: 0.25, delay: '20ms' });
    pg.udpBind('client', 5000, 'u1');
    const snap2 = pg.snapshot();
    assert.equal(snap2.links[0].params.loss, 0.25);
    assert.equal(snap2.links[0].params.delay_ns, 20e6);
    assert.equal(snap2.hosts[0].udp[0].name, 'u1');
    const saved = JSON.parse(pg.scenario());
    assert.deepEqual(saved.timeline.slice(-3).map((a) => a.do), ['set', 'set', 'udp_bind']);
  });
});
