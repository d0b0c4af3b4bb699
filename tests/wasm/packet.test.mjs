// Packet bytes and fields by id through the module and the TypeScript wrapper: the handshake
// lesson's SYN, its MSS option located in the bytes, the same bytes as the pcap, and the errors
// for ids never assigned or dropped by retention.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { create, errorOf, readExample } from './helpers.mjs';

/** The field `name` anywhere in `fields` (depth first), or undefined. */
function findField(fields, name) {
  for (const f of fields) {
    if (f.name === name) return f;
    const inner = f.fields && findField(f.fields, name);
    if (inner) return inner;
  }
  return undefined;
}

const layer = (detail, name) => detail.layers.find((l) => l.name === name);

describe('packet(id)', () => {
  let pg;
  before(async () => {
    pg = await create();
  });
  after(() => pg.dispose());

  /**
   * The id of the first packet_sent event whose packet is a SYN without ACK. Events carry the id
   * as "packet" once the trace JSON has it; until then, ids are tried from 1 (every packet the
   * trace stores has one, sent or not).
   */
  function synId() {
    const { events } = pg.eventsSince(0, 100000);
    const sent = events.find((e) => e.kind === 'packet_sent' && e.pkt?.flags === 'S');
    assert.ok(sent, 'a SYN was sent');
    if (typeof sent.packet === 'number') return sent.packet;
    for (let id = 1; ; id++) {
      const tcp = layer(pg.packet(id), 'tcp');
      if (tcp && findField(tcp.fields, 'tcp.flags').number === 0x002) return id;
    }
  }

  test("the handshake's SYN: its MSS option's offset, length and value match the bytes", () => {
    assert.deepEqual(pg.load(readExample('01-handshake.json')).errors, []);
    pg.runUntil(pg.duration());
    const id = synId();
    const p = pg.packet(id);
    assert.equal(p.id, id);
    assert.ok(p.bytes instanceof Uint8Array);
    assert.equal(p.error, undefined);
    assert.deepEqual(p.layers.map((l) => l.name), ['ipv4', 'tcp']);

    const ip = layer(p, 'ipv4');
    const ttl = findField(ip.fields, 'ip.ttl');
    assert.equal(ttl.offset, 8);
    assert.equal(p.bytes[8], ttl.number);
    const sum = findField(ip.fields, 'ip.checksum');
    assert.equal(sum.valid, true);
    assert.equal(sum.computed, (p.bytes[10] << 8) | p.bytes[11]);
    assert.equal(findField(ip.fields, 'ip.flags.df').mask, 0x40);

    const tcp = layer(p, 'tcp');
    assert.equal(findField(tcp.fields, 'tcp.flags.syn').number, 1);
    assert.equal(findField(tcp.fields, 'tcp.checksum').valid, true);
    const mss = tcp.options.find((o) => o.name === 'mss');
    assert.ok(mss, 'the SYN carries an MSS option');
    assert.equal(mss.length, 4);
    assert.equal(p.bytes[mss.offset], 2);  // kind
    assert.equal(p.bytes[mss.offset + 1], 4);  // length
    assert.equal((p.bytes[mss.offset + 2] << 8) | p.bytes[mss.offset + 3], mss.mss);
    const field = findField(tcp.fields, 'tcp.options.mss_val');
    assert.equal(field.offset, mss.offset + 2);
    assert.equal(field.length, 2);
    assert.equal(field.number, mss.mss);
    assert.equal(field.number, 1460);

    // The SYN is the first packet sent: the same bytes as the pcap's first record (after the
    // 24-byte file header and the 16-byte record header, whose incl_len is at 8).
    const pcap = pg.pcap();
    const view = new DataView(pcap.buffer, pcap.byteOffset);
    assert.equal(view.getUint32(24 + 8, true), p.bytes.length);
    assert.deepEqual(Array.from(pcap.subarray(40, 40 + p.bytes.length)), Array.from(p.bytes));
  });

  test('ids never assigned and ids dropped by retention are errors that say which', () => {
    assert.deepEqual(pg.load(readExample('01-handshake.json')).errors, []);
    pg.runUntil(pg.duration());
    assert.match(errorOf(() => pg.packet(99999)), /^no packet 99999: ids run from 1 to \d+$/);
    assert.match(errorOf(() => pg.packet(0)), /^no packet 0: ids run from 1 to \d+$/);
    assert.equal(errorOf(() => pg.packet(1.5)), 'packet id: expected an integer, got 1.500000');

    const doc = JSON.parse(readExample('01-handshake.json'));
    doc.trace = { max_events: 4 };
    delete doc.watch;  // its lesson points come after the last packet and would fill the four
    assert.deepEqual(pg.load(doc).errors, []);
    pg.runUntil(pg.duration());
    assert.match(errorOf(() => pg.packet(1)),
      /^packet 1 is no longer retained \(the trace keeps packets from id \d+ on\)$/);
    assert.ok(pg.packet(lastId(pg)).layers.length >= 2);  // the newest ones are kept
  });
});

/** The highest packet id, from the "ids run from 1 to N" message. */
function lastId(pg) {
  const m = /ids run from 1 to (\d+)/.exec(errorOf(() => pg.packet(1e9)));
  return Number(m[1]);
}
