// Issue 23's scenario language through the module: a crafted segment with sequence numbers
// relative to the ISNs (pg.inject with seq "+1") resets the same connection under any seed;
// a relative number with no connection to count from is refused naming the field; a live
// reaction is recorded, survives a seek back, and a scenario with reactions and fixed ISNs
// gives the CLI's trace byte for byte.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cli, create, errorOf, tempDir, twoHosts } from './helpers.mjs';

const conn = (snap, name) => snap.connections.find((c) => c.name === name);
const rst = { host: 'client', to: 'server', src_port: 40000, dst_port: 80, flags: 'R' };

describe('scenario language (issue 23)', () => {
  let pg;
  before(async () => {
    pg = await create();
  });
  after(() => pg.dispose());

  test('pg.inject with seq "+1": the same reset under two seeds', () => {
    const seqs = [];
    for (const seed of [7, 8]) {
      assert.deepEqual(pg.load({ ...twoHosts, seed }).errors, []);
      pg.runUntil('2s');
      const cursor = pg.eventsSince(0, 1).end;
      pg.inject({ ...rst, seq: '+1' });
      pg.runUntil('2050ms');
      const events = pg.eventsSince(cursor, 100000).events;
      const sent = events.find((e) => e.kind === 'packet_sent' && e.host === 'client');
      seqs.push(sent.pkt.seq);
      const crafted = events.find((e) => e.kind === 'app' && e.name === 'inject');
      assert.match(crafted.detail, /\(relative: seq \+1\)$/);
      const snap = pg.snapshot();
      assert.equal(conn(snap, 'srv.1'), undefined);
      assert.equal(snap.closed.find((c) => c.name === 'srv.1').reason, 'reset');
      // Recorded as written: the saved scenario replays the same relative segment.
      assert.equal(JSON.parse(pg.scenario()).timeline.at(-1).seq, '+1');
    }
    assert.notEqual(seqs[0], seqs[1], 'the ISNs differ with the seed');
  });

  test('a relative ack with no connection to count from is refused, naming the field', () => {
    assert.deepEqual(pg.load(twoHosts).errors, []);
    pg.runUntil('500ms');
    const message = errorOf(() => pg.inject({ ...rst, flags: 'A', seq: 5, ack: '+1' }));
    assert.match(message, /inject: "ack" is relative to the receiver's ISN, but no connection on 10\.0\.0\.1:40000 > 10\.0\.0\.2:80 knows it/);
    assert.equal(JSON.parse(pg.scenario()).timeline.length, twoHosts.timeline.length, 'not recorded');
    const bad = errorOf(() => pg.inject({ ...rst, seq: '1' }));
    assert.match(bad, /^\/timeline\/2\/seq: expected a sequence number/);
  });

  test('a live reaction is recorded, and a seek back replays it to the same trace', () => {
    assert.deepEqual(pg.load(twoHosts).errors, []);
    pg.runUntil('1500ms');
    pg.action({ when: { event: 'received', socket: 'srv.1', bytes: 5 }, do: 'abort', socket: 'srv.1' });
    pg.send('c1', 'hello');
    pg.runUntil('3s');
    const text = pg.tcpdumpText();
    assert.match(text, /app reaction: \/timeline\/2 fired: abort/);
    const recorded = JSON.parse(pg.scenario()).timeline;
    assert.deepEqual(recorded[2].when, { event: 'received', socket: 'srv.1', bytes: 5 });
    pg.seek('1600ms');
    pg.runUntil('3s');
    assert.equal(pg.tcpdumpText(), text);
  });

  test('reactions and fixed ISNs: the module\'s trace is the CLI\'s', () => {
    const scenario = {
      ...twoHosts,
      hosts: [
        { name: 'client', addr: '10.0.0.1', tcp: { isn: 1000 } },
        { name: 'server', addr: '10.0.0.2' },
      ],
      timeline: [
        { at: '0s', do: 'listen', host: 'server', port: 80, name: 'srv', isn: 5000 },
        { at: '1s', do: 'connect', host: 'client', to: 'server', port: 80, src_port: 40000, name: 'c1' },
        { when: { event: 'state', socket: 'c1', to: 'ESTABLISHED' }, do: 'send', socket: 'c1', text: 'GET /\r\n' },
        { when: { event: 'received', socket: 'srv', bytes: 7 }, do: 'send', socket: 'srv.1', text: 'OK' },
        { when: { event: 'packet', from: 'server', len: 2 }, do: 'shutdown', socket: 'srv.1' },
        { when: { event: 'peer_closed', socket: 'c1' }, do: 'close', socket: 'c1' },
      ],
    };
    assert.deepEqual(pg.load(scenario).errors, []);
    pg.runUntil('10s');
    const text = pg.tcpdumpText();
    assert.match(text, /Flags \[S\], seq 1000,/);
    assert.match(text, /Flags \[S\.\], seq 5000, ack 1001,/);
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'reactions.json');
      writeFileSync(file, JSON.stringify(scenario));
      const r = cli(['run', file]);
      assert.equal(r.status, 0, r.stderr);
      // The CLI's text is the trace, then its summary.
      assert.ok(r.stdout.startsWith(text), 'the tcpdump text differs (WASM against native)');
      assert.match(r.stdout.slice(text.length), /== summary at 10\.000000 s/);
    } finally {
      cleanup();
    }
  });
});
