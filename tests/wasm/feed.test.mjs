// The binary feed (pg.feed): the same events as the JSON form, field by field, on every example;
// labels, event text, and budgeted runs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { create, examples, readExample } from './helpers.mjs';

const { FEED_KINDS, TCP_FLAGS, copyFeedPage, formatIpv4 } = await import('../../build/api/feed.js');

// tcpdump's order (print-tcp.c): the ACK dot comes before U, so an urgent segment is "P.U".
const FLAG_LETTERS = [
  [TCP_FLAGS.FIN, 'F'], [TCP_FLAGS.SYN, 'S'], [TCP_FLAGS.RST, 'R'], [TCP_FLAGS.PSH, 'P'],
  [TCP_FLAGS.ACK, '.'], [TCP_FLAGS.URG, 'U'], [TCP_FLAGS.ECE, 'E'], [TCP_FLAGS.CWR, 'W'],
];
/** The tcpdump letters of a flags value, as the JSON form writes them ("S.", "P.", "P.U"). */
function letters(flags) {
  let s = '';
  for (const [bit, l] of FLAG_LETTERS) if (flags & bit) s += l;
  return s === '' ? 'none' : s;
}

/** Checks row r of a feed page against the JSON event e, field by field. */
function checkRow(cols, r, e, labels, hosts, links, text, final) {
  const where = `event ${e.i} (${e.kind})`;
  assert.equal(cols.time[r], e.t_ns, where);
  assert.equal(FEED_KINDS[cols.kind[r]], e.kind, where);
  assert.equal(cols.host[r] >= 0 ? hosts[cols.host[r]] : undefined, e.host, where);
  assert.equal(cols.link[r] >= 0 ? links[cols.link[r]] : undefined, e.link, where);
  assert.equal(cols.conn[r] >= 0 ? cols.conn[r] : undefined, e.conn, where);
  // A packet_sent read while its packet was in flight does not know its receiver yet.
  if (final || e.kind !== 'packet_sent') assert.equal(cols.peerConn[r], e.peer_conn ?? -1, where);
  if ('packet' in e) assert.equal(cols.packet[r], e.packet, where);
  if ('original' in e) assert.equal(cols.original[r], e.original, where);
  if ('point' in e) assert.equal(cols.original[r], e.point, where); // lesson_point: the watch item's number
  // socket_error: the feed's name and from are the JSON's errno and call.
  assert.equal(labels[cols.name[r]] || undefined, e.kind === 'socket_error' ? e.errno : e.name, where);
  assert.equal(labels[cols.from[r]] || undefined, e.kind === 'socket_error' ? e.call : e.from, where);
  assert.equal(labels[cols.to[r]] || undefined, e.to, where);
  assert.equal(labels[cols.tag[r]] || undefined, e.tag, where);
  assert.equal(cols.deadline[r] >= 0 ? cols.deadline[r] : undefined, e.deadline_ns, where);
  const expectedText = e.kind === 'packet_sent' ? e.text : e.detail;
  assert.equal(cols.hasText[r] === 1, expectedText !== undefined, where);
  assert.equal(text, expectedText ?? '', where);
  const p = e.pkt;
  if (!p) {
    assert.equal(cols.proto[r], 0, where);
    return;
  }
  assert.equal(formatIpv4(cols.src[r]), p.src, where);
  assert.equal(formatIpv4(cols.dst[r]), p.dst, where);
  assert.equal(cols.len[r], p.len, where);
  if (p.proto === 'tcp') {
    assert.equal(cols.proto[r], 6, where);
    assert.equal(letters(cols.flags[r]), p.flags, where);
    assert.equal(cols.seq[r], p.seq, where);
    assert.equal(cols.ack[r], p.ack, where);
    assert.equal(cols.win[r], p.win, where);
    assert.equal(cols.sport[r], p.sport, where);
    assert.equal(cols.dport[r], p.dport, where);
  } else if (p.proto === 'udp') {
    assert.equal(cols.proto[r], 17, where);
    assert.equal(cols.sport[r], p.sport, where);
    assert.equal(cols.dport[r], p.dport, where);
  } else if (p.proto === 'icmp') {
    assert.equal(cols.proto[r], 1, where);
    assert.equal(cols.flags[r], (p.type << 8) | p.code, where);
  }
}

describe('the binary feed', () => {
  let pg;
  before(async () => {
    pg = await create();
  });
  after(() => pg.dispose());

  for (const ex of examples()) {
    test(`${ex.name}: the feed equals the JSON events, field by field`, () => {
      assert.deepEqual(pg.load(ex.text).errors, []);
      const duration = pg.duration();
      // Read while running, in pages of varying size, as a page does.
      const rows = [];
      let cursor = 0;
      for (const f of [0.1, 0.3, 0.6, 1]) {
        pg.runUntil(Math.round(duration * f));
        for (;;) {
          const page = copyFeedPage(pg.feed(cursor, 997));  // kept past the next call
          assert.equal(page.dropped, 0);
          if (page.count === 0) break;
          for (let r = 0; r < page.count; r++) rows.push({ cols: page.cols, r, text: pg.eventText(cursor + r) });
          cursor = page.next;
        }
      }
      const labels = pg.labels();
      const hosts = pg.hostNames();
      const links = pg.linkNames();
      const json = [];
      for (let c = 0; ; ) {
        const page = pg.eventsSince(c, 5000);
        json.push(...page.events);
        if (page.next === c) break;
        c = page.next;
      }
      assert.equal(rows.length, json.length);
      rows.forEach(({ cols, r, text }, k) => checkRow(cols, r, json[k], labels, hosts, links, text, false));
      // Read again at the end: now every packet_sent names its receiver too.
      const again = copyFeedPage(pg.feed(0, json.length + 1));
      assert.equal(again.count, json.length);
      json.forEach((e, k) => checkRow(again.cols, k, e, labels, hosts, links, pg.eventText(k), true));
    });
  }

  test('relative sequence numbers start at 0 with each SYN, as Wireshark shows them', () => {
    pg.load(readExample('01-handshake.json'));
    pg.runUntil(pg.duration());
    const { cols, count } = copyFeedPage(pg.feed(0));
    const sent = [];
    for (let r = 0; r < count; r++) if (FEED_KINDS[cols.kind[r]] === 'packet_sent') sent.push(r);
    const [syn, synAck, ack] = sent;
    assert.equal(cols.flags[syn], TCP_FLAGS.SYN);
    assert.deepEqual([cols.relSeq[syn], cols.relAck[syn]], [0, 0]);
    assert.equal(cols.flags[synAck], TCP_FLAGS.SYN | TCP_FLAGS.ACK);
    assert.deepEqual([cols.relSeq[synAck], cols.relAck[synAck]], [0, 1]);
    assert.deepEqual([cols.relSeq[ack], cols.relAck[ack]], [1, 1]);
    assert.notEqual(cols.seq[syn], 0, 'absolute numbers stay absolute');
  });

  test('a budget stops a run early and the next call goes on', () => {
    pg.load(readExample('18-congestion-control.json'));
    const target = pg.duration();
    const r1 = pg.runUntil(target, { maxEvents: 1000 });
    assert.equal(r1.reached, false);
    assert.equal(r1.events, 1000);
    assert.ok(r1.now < target);
    let r = r1;
    let calls = 1;
    while (!r.reached) {
      r = pg.runUntil(target, { maxMs: 5 });
      calls++;
    }
    assert.equal(r.now, target);
    assert.ok(calls > 2, `a 5 ms budget split the run into ${calls} calls`);
    // The same trace as one unbudgeted run.
    const budgeted = pg.jsonl();
    pg.reset();
    assert.equal(pg.runUntil(target).reached, true);
    assert.equal(pg.jsonl(), budgeted);
  });

  test('stepPacket stops at the next packet, or at its budget', () => {
    pg.load(readExample('01-handshake.json'));
    const s = pg.stepPacket();
    assert.equal(s.sent, true);
    assert.equal(s.reached, true);
    const { cols, count } = copyFeedPage(pg.feed(0));
    const kinds = Array.from(cols.kind.subarray(0, count), (k) => FEED_KINDS[k]);
    assert.equal(kinds.filter((k) => k === 'packet_sent').length, 1, 'exactly one packet so far: the SYN');
    const b = pg.stepPacket({ maxEvents: 1 });
    assert.equal(typeof b.sent, 'boolean');
    assert.equal(b.events, 1);
  });
});
