// Issue 17 parts 3-5 through the WebAssembly module and the typed API: control by connection
// id (and its replay), live parameter changes reaching armed timers, set_link all or nothing,
// and the parameter catalogue as data.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { create, readExample, sha256 } from './helpers.mjs';

const hashOf = (pg) => sha256(pg.tcpdumpText() + pg.jsonl());

function errorOf(f) {
  try {
    f();
  } catch (e) {
    return e.message;
  }
  return '';
}

describe('control by connection id', () => {
  let pg;
  let replay;
  before(async () => {
    pg = await create();
    replay = await create();
  });
  after(() => {
    pg.dispose();
    replay.dispose();
  });

  test("closing an app's connection by id replays", () => {
    // Lesson 14: every connection belongs to the HTTP client, the ALB or the server.
    assert.deepEqual(pg.load(readExample('14-pool-below-idle.json')).errors, []);
    pg.runUntil('3s');
    const conn = pg.snapshot().connections.find((c) => c.name === '' && c.state === 'ESTABLISHED');
    assert.ok(conn, 'an app connection is open at 3 s');
    pg.close(conn.id);
    const recorded = JSON.parse(pg.scenario()).timeline.at(-1);
    assert.equal(recorded.do, 'close');
    assert.equal(recorded.conn, conn.id);
    pg.runUntil(pg.duration());
    assert.match(pg.tcpdumpText(), new RegExp(`app conn ${conn.id}: close`));
    const hash = hashOf(pg);

    assert.deepEqual(replay.load(pg.scenario()).errors, []);
    replay.runUntil(replay.duration());
    assert.equal(hashOf(replay), hash, 'the recorded scenario replays to the same trace');
  });

  test('abort, shutdown, send and read by id, and setOption by id', () => {
    assert.deepEqual(pg.load(readExample('10-alb-idle-504.json')).errors, []);
    pg.runUntil('2s');
    const open = pg.snapshot().connections.filter((c) => c.state === 'ESTABLISHED');
    assert.ok(open.length >= 2);
    pg.send(open[0].id, 'hello');
    pg.read(open[0].id, 10);
    pg.setOption(open[0].id, 'nagle', false);
    pg.shutdown(open[0].id);
    pg.abort(open[1].id);
    const after = pg.snapshot();
    assert.equal(after.connections.find((c) => c.id === open[0].id)?.params.nagle, false);
    assert.equal(after.closed.find((c) => c.id === open[1].id)?.reason, 'aborted');
    pg.runUntil(pg.duration());
    const hash = hashOf(pg);
    assert.deepEqual(replay.load(pg.scenario()).errors, []);
    replay.runUntil(replay.duration());
    assert.equal(hashOf(replay), hash);
  });

  test('a connection that does not exist is an error that changes nothing', () => {
    assert.deepEqual(pg.load(readExample('01-handshake.json')).errors, []);
    pg.runUntil('1s');
    const before = pg.scenario();
    assert.match(errorOf(() => pg.close(999)), /connection 999 does not exist/);
    assert.equal(pg.scenario(), before);
  });
});

describe('live changes reach armed timers', () => {
  let pg;
  before(async () => {
    pg = await create();
  });
  after(() => pg.dispose());

  test('setting time_wait to 5 s on a connection in TIME_WAIT moves its expiry and the trace shows why', () => {
    assert.deepEqual(pg.load(readExample('02-teardown-time-wait.json')).errors, []);
    pg.runUntil('5s');
    const c1 = pg.snapshot().connections.find((c) => c.name === 'c1');
    assert.equal(c1.state, 'TIME_WAIT');
    const entered = pg.jsonl().trim().split('\n').map((l) => JSON.parse(l))
      .find((e) => e.kind === 'state_change' && e.conn === c1.id && e.to === 'TIME_WAIT').t_ns;
    assert.equal(c1.timers.find((t) => t.name === 'time_wait').deadline_ns, entered + 240e9);

    const cursor = pg.eventsSince(0, 1).end;
    pg.setOption('c1', 'time_wait', '5s');
    const events = pg.eventsSince(cursor).events;
    assert.deepEqual(events.map((e) => e.kind), ['param_change', 'timer_set']);
    assert.equal(events[1].name, 'time_wait');
    assert.equal(events[1].detail, 'param_change');
    assert.equal(events[1].deadline_ns, entered + 5e9);
    assert.equal(pg.snapshot().connections.find((c) => c.name === 'c1').timers[0].deadline_ns, entered + 5e9);

    pg.runUntil('20s');
    const fired = pg.jsonl().trim().split('\n').map((l) => JSON.parse(l))
      .find((e) => e.kind === 'timer_fired' && e.conn === c1.id && e.name === 'time_wait');
    assert.equal(fired.t_ns, entered + 5e9);
    assert.equal(pg.snapshot().connections.find((c) => c.name === 'c1'), undefined);
  });

  test('setLink applies every field or none, and the error names the field', () => {
    assert.deepEqual(pg.load(readExample('01-handshake.json')).errors, []);
    pg.runUntil('1s');
    const before = pg.snapshot().links[0].params;
    const doc = pg.scenario();
    let error;
    try {
      pg.setLink(pg.snapshot().links[0].name, { loss: 0.5, delay: 'soon' });
    } catch (e) {
      error = e;
    }
    assert.equal(error.message, 'set_link: delay: expected a duration like "10ms", got "soon"');
    assert.deepEqual(error.errors, [{ path: 'delay', message: 'expected a duration like "10ms", got "soon"' }]);
    assert.deepEqual(pg.snapshot().links[0].params, before);
    assert.equal(pg.scenario(), doc);
  });
});

describe('the parameter catalogue', () => {
  let pg;
  before(async () => {
    pg = await create();
  });
  after(() => pg.dispose());

  test('lists every parameter with its type, range, defaults per profile and description', () => {
    const params = pg.parameters();
    const scopes = new Set(params.map((p) => p.scope));
    for (const s of ['tcp', 'link', 'app:http_client', 'app:bulk_sender', 'middlebox:alb', 'middlebox:nlb']) assert.ok(scopes.has(s), s);
    const tw = params.find((p) => p.scope === 'tcp' && p.name === 'time_wait');
    assert.deepEqual(tw.defaults, { rfc: '4min', linux: '1min', windows: '4min' });
    assert.equal(tw.timer, 'time_wait');
    const mss = params.find((p) => p.scope === 'tcp' && p.name === 'mss');
    assert.equal(mss.min, 88);
    assert.equal(mss.max, 65495);
    const cc = params.find((p) => p.name === 'congestion_control');
    assert.deepEqual(cc.choices, ['newreno', 'cubic']);
    for (const p of params) {
      assert.ok(p.description.en.length > 5, `${p.scope} ${p.name}`);
      assert.equal(p.description.ko, '');
    }
    // snapshot() has each host's and each connection's values of the "tcp" ones.
    assert.deepEqual(pg.load(readExample('02-teardown-time-wait.json')).errors, []);
    pg.runUntil('2s');
    const snap = pg.snapshot();
    const tcpNames = params.filter((p) => p.scope === 'tcp').map((p) => p.name).sort();
    assert.deepEqual(Object.keys(snap.hosts[0].tcp).sort(), tcpNames);
    assert.deepEqual(Object.keys(snap.connections[0].params).sort(), tcpNames);
  });
});
