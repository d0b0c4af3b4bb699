// What an application sees, as data: socket_error events in the JSON events and in the binary
// feed carry the errno and the call, so "connection refused" is read from fields, not narration.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { join } from 'node:path';

import { create, readExample, root } from './helpers.mjs';

const { FEED_KINDS } = await import(join(root, 'build/api/playground.js'));

describe('socket_error events', () => {
  let pg;
  before(async () => {
    pg = await create();
  });
  after(() => pg.dispose());

  test('a refused connect: errno ECONNREFUSED from connect, in JSON and in the feed', () => {
    assert.deepEqual(pg.load(readExample('05-closed-port.json')).errors, []);
    pg.runUntil('5s');
    const errors = pg.eventsSince(0, 100000).events.filter((e) => e.kind === 'socket_error');
    assert.deepEqual(errors.map((e) => [e.host, e.call, e.errno]), [
      ['client', 'connect', 'ECONNREFUSED'],
      ['client', 'send', 'EPIPE'],
    ]);
    const page = pg.feed(0, 100000);
    const labels = pg.labels();
    const rows = [];
    for (let r = 0; r < page.count; ++r)
      if (FEED_KINDS[page.cols.kind[r]] === 'socket_error') rows.push(`${labels[page.cols.from[r]]} ${labels[page.cols.name[r]]}`);
    assert.deepEqual(rows, ['connect ECONNREFUSED', 'send EPIPE']);
  });

  test('lesson 24: a connected UDP socket gets ECONNREFUSED, an unconnected one EAGAIN', () => {
    assert.deepEqual(pg.load(readExample('24-udp-closed-port.json')).errors, []);
    pg.runUntil('10s');
    const errors = pg.eventsSince(0, 100000).events.filter((e) => e.kind === 'socket_error');
    assert.deepEqual(errors.map((e) => [e.call, e.errno, e.t_ns / 1e9]), [
      ['recv', 'ECONNREFUSED', 3],
      ['recv', 'EAGAIN', 5],
      ['send', 'ECONNREFUSED', 7],
    ]);
  });
});
