// Packet identity on every example: every packet received, dropped or duplicated names a packet
// that was sent (a copy names its original), so a ladder joins sends to arrivals by id alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { create, examples } from './helpers.mjs';

// Drops that happen before a packet is on the wire: it was made but never sent.
const BEFORE_SENDING = new Set(['queue_full', 'exceeds_mtu', 'no_route']);

describe('packet identity', () => {
  let pg;
  before(async () => {
    pg = await create();
  });
  after(() => pg.dispose());

  for (const ex of examples()) {
    test(`${ex.name}: every received, dropped and duplicated packet names a sent one`, () => {
      assert.deepEqual(pg.load(ex.text).errors, []);
      pg.runUntil(pg.duration());
      const events = pg.jsonl().trim().split('\n').map((l) => JSON.parse(l));
      const sent = new Map();  // id -> the packet_sent event
      const copies = new Map(); // copy id -> original id
      let checked = 0;
      for (const e of events) {
        if (!e.kind.startsWith('packet_')) continue;
        assert.ok(Number.isInteger(e.packet) && e.packet > 0, `event ${e.i} has a packet id`);
        if (e.kind === 'packet_sent') {
          assert.ok(!sent.has(e.packet), `packet ${e.packet} is sent once`);
          sent.set(e.packet, e);
        } else if (e.kind === 'packet_duplicated') {
          assert.ok(sent.has(e.original), `event ${e.i}: the copy's original ${e.original} was sent`);
          copies.set(e.packet, e.original);
        } else {
          const original = copies.get(e.packet) ?? e.packet;
          const wasSent = sent.has(original);
          checked++;
          if (e.kind === 'packet_received') {
            assert.ok(wasSent, `event ${e.i}: received packet ${e.packet} was sent`);
            const s = sent.get(original);
            assert.equal(e.link, s.link, `event ${e.i}: it arrives on the link it was sent on`);
            assert.ok(e.t_ns >= s.t_ns);
          } else {
            assert.ok(wasSent || BEFORE_SENDING.has(e.name), `event ${e.i}: dropped packet ${e.packet} (${e.name}) was sent`);
          }
        }
      }
      assert.ok(checked > 0, 'some packets arrived or were dropped');
    });
  }
});
