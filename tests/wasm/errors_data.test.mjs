// Errors as data: live-edit errors carry {path, message} like load errors; a failed action is not
// recorded; a wrong argument type is a TypeError naming the argument; text must be valid Unicode;
// names refuse control characters; suggestSeqAck without a connection is an error.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { create, readExample } from './helpers.mjs';

/** The Error a call throws. */
function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

describe('errors as data', () => {
  let pg;
  before(async () => {
    pg = await create();
  });
  after(() => pg.dispose());

  test('a live edit error has {path, message} like a load error, and changes nothing', () => {
    assert.deepEqual(pg.load(readExample('01-handshake.json')).errors, []);
    pg.runUntil('2s');
    const before = pg.scenario();
    const events = pg.feed(0).end;
    const e = thrown(() => pg.send('c9', 'x'));
    assert.equal(e.message, '/timeline/7/socket: unknown socket "c9"'.replace('7', String(JSON.parse(before).timeline.length)));
    assert.deepEqual(e.errors, [{ path: `/timeline/${JSON.parse(before).timeline.length}/socket`, message: 'unknown socket "c9"' }]);
    assert.equal(pg.scenario(), before);
    assert.equal(pg.feed(0).end, events);
  });

  test('an action that fails when run is not recorded and leaves no trace', () => {
    pg.load(readExample('01-handshake.json'));
    pg.runUntil('3s');
    const timeline = JSON.parse(pg.scenario()).timeline;
    const socket = timeline.find((a) => a.do === 'connect').name;
    pg.abort(socket);
    const before = pg.scenario();
    const events = pg.feed(0).end;
    // A large payload, as the 70 KB inject that used to grow the document.
    const e = thrown(() => pg.send(socket, 'x'.repeat(70_000)));
    assert.match(e.message, /does not exist|not connected|closed/);
    assert.equal(e.errors.length, 1);
    assert.match(e.errors[0].path, /^\/timeline\/\d+$/);
    assert.equal(pg.scenario(), before, 'not recorded');
    assert.equal(pg.feed(0).end, events, 'no note in the trace');
    // What was recorded replays to the same trace.
    const live = pg.jsonl();
    pg.reset();
    pg.runUntil('3s');
    assert.equal(pg.jsonl(), live);
  });

  test('every error carries errors[]: a plain one has path ""', () => {
    const e = thrown(() => pg.eventText(-1));
    assert.deepEqual(e.errors, [{ path: '', message: e.message }]);
  });

  test('a wrong argument type is a TypeError naming the argument', () => {
    const raw = new pg.module.Playground();
    try {
      let e = thrown(() => raw.load(undefined));
      assert.ok(e instanceof TypeError);
      assert.equal(e.message, 'load: json must be a string, got undefined');
      e = thrown(() => raw.runUntil({}));
      assert.ok(e instanceof TypeError);
      assert.equal(e.message, 'runUntil: t must be a number, got an object');
      e = thrown(() => raw.suggestSeqAck('client', 'server', '40000', 80));
      assert.equal(e.message, 'suggestSeqAck: srcPort must be a number, got a string');
      e = thrown(() => raw.apply());
      assert.equal(e.message, 'apply: missing argument action');
    } finally {
      raw.delete();
    }
    assert.ok(thrown(() => pg.load(undefined)) instanceof TypeError);
  });

  test('text crosses as valid UTF-8: a lone surrogate is an error, not a shifted character', () => {
    const e = thrown(() => pg.load('{"title": "a\uD800b"}'));
    assert.ok(e instanceof TypeError);
    assert.equal(e.message, 'load: json is not valid Unicode text (a lone UTF-16 surrogate at index 12)');
    // A proper pair goes through untouched.
    const doc = JSON.parse(readExample('01-handshake.json'));
    doc.title = 'emoji \uD83D\uDE00 and 한국어';
    assert.deepEqual(pg.load(JSON.stringify(doc)).errors, []);
    assert.equal(JSON.parse(pg.scenario()).title, doc.title);
  });

  test('names refuse control characters and empty strings', () => {
    const doc = JSON.parse(readExample('01-handshake.json'));
    doc.hosts[0].name = 'client\n00:00:01.000000 IP 1.2.3.4 > 5.6.7.8: fake';
    const r = pg.load(JSON.stringify(doc));
    assert.equal(r.ok, false);
    assert.deepEqual(r.errors[0], { path: '/hosts/0/name', message: 'a name must not contain control characters (U+000A at byte 6)' });
    pg.load(readExample('01-handshake.json'));
    pg.runUntil('1s');
    const e = thrown(() => pg.listen('server', 7000, { name: '' }));
    assert.match(e.errors[0].path, /\/name$/);
    assert.equal(e.errors[0].message, 'must not be empty');
    const f = thrown(() => pg.listen('server', 7001, { name: 'a\u0007b' }));
    assert.match(f.errors[0].message, /control characters \(U\+0007/);
  });

  test('suggestSeqAck without a connection is an error that says so', () => {
    pg.load(readExample('01-handshake.json'));
    pg.runUntil('1s');
    const e = thrown(() => pg.suggestSeqAck('client', 'server', 45678, 80));
    assert.match(e.message, /^suggest_seq_ack: no connection 10\.0\.0\.1:45678 > 10\.0\.0\.2:80 on either host/);
  });
});
