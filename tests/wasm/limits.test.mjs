// Bounded memory in the module: a routing loop with duplication ends in the clear error (at the
// default limit), running out of the 1 GiB heap ends in one too, and either way the same
// playground then loads and runs lesson 1 to its usual trace, without dispose().
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { create, readExample, sha256 } from './helpers.mjs';

/** A datagram that r1 and r2 route to each other over a link that duplicates everything. */
function loop(limits) {
  return {
    duration: '10s',
    ...(limits ? { limits } : {}),
    hosts: [
      { name: 'a', addr: '10.0.0.1' },
      { name: 'r1', addr: '10.0.1.1', forwarding: true },
      { name: 'r2', addr: '10.0.2.1', forwarding: true },
    ],
    links: [
      { name: 'in', a: 'a', b: 'r1', delay: '1ms' },
      { name: 'loop', a: 'r1', b: 'r2', delay: '1ms', duplicate: 1 },
    ],
    routes: [
      { host: 'a', dst: 'default', link: 'in' },
      { host: 'r1', dst: '10.9.9.0/24', link: 'loop' },
      { host: 'r2', dst: '10.9.9.0/24', link: 'loop' },
    ],
    timeline: [
      { at: '1s', do: 'udp_bind', host: 'a', port: 5000, name: 'u' },
      { at: '1s', do: 'udp_send', socket: 'u', to: '10.9.9.9', port: 9, text: 'x' },
    ],
  };
}

describe('limits and recovery', () => {
  let pg, lesson1;
  before(async () => {
    pg = await create();
    pg.load(readExample('01-handshake.json'));
    pg.runUntil(pg.duration());
    lesson1 = sha256(pg.jsonl());
  });
  after(() => pg.dispose());

  function runsLesson1() {
    assert.deepEqual(pg.load(readExample('01-handshake.json')).errors, []);
    pg.runUntil(pg.duration());
    assert.equal(sha256(pg.jsonl()), lesson1);
  }

  test('a routing loop with duplication stops at the default limit with the cause', () => {
    assert.deepEqual(pg.load(loop()).errors, []);
    let message = '';
    try {
      pg.runUntil('10s');
    } catch (e) {
      message = e.message;
    }
    assert.match(message, /^run stopped at 1\.\d+s: 1000001 packets in flight or queued \(limit \/limits\/max_packets = 1000000\): likely a routing loop with duplication \(link "loop" duplicated \d+ packets\)/);
    assert.throws(() => pg.runUntil('10s'), /^Error: the run ended: run stopped at/);
    runsLesson1();
  });

  test('running out of the 1 GiB heap is an error too, and the playground recovers', () => {
    assert.deepEqual(pg.load(loop({ max_packets: 4294967295 })).errors, []);
    let message = '';
    try {
      pg.runUntil('10s');
    } catch (e) {
      message = e.message;
    }
    assert.match(message, /^out of memory while running/);
    assert.ok(pg.memoryStats().heapSize <= 1024 * 1024 * 1024, 'the heap stays within 1 GiB');
    runsLesson1();
    pg.reset();
    pg.runUntil(pg.duration());
    assert.equal(sha256(pg.jsonl()), lesson1);
  });
});
