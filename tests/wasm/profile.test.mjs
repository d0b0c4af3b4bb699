// A host's TCP profile changed while running (issue 20's profile picker) through the module and
// the typed API: setProfile() replaces every default of the host, is recorded and replays,
// leaves open connections alone, and a bad profile is an error naming the field.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { create, readExample, sha256 } from './helpers.mjs';

const hashOf = (pg) => sha256(pg.tcpdumpText() + pg.jsonl());
const host = (pg, name) => pg.snapshot().hosts.find((h) => h.name === name);

describe('setProfile', () => {
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

  test('linux on the client: every default at once, recorded, replayed', () => {
    assert.deepEqual(pg.load(readExample('02-teardown-time-wait.json')).errors, []);
    pg.runUntil('1500ms');
    assert.equal(host(pg, 'client').profile, 'rfc');
    pg.setProfile('client', 'linux');
    const client = host(pg, 'client');
    assert.equal(client.profile, 'linux');
    assert.equal(client.tcp.time_wait, '1min');
    assert.equal(client.tcp.rto_min, '200ms');
    assert.equal(client.tcp.congestion_control, 'cubic');
    assert.equal(host(pg, 'server').profile, 'rfc');
    // c1 opened under rfc keeps its parameters.
    assert.equal(pg.snapshot().connections.find((c) => c.name === 'c1').params.time_wait, '4min');
    const recorded = JSON.parse(pg.scenario()).timeline.at(-1);
    assert.deepEqual({ do: recorded.do, target: recorded.target, param: recorded.param, value: recorded.value },
      { do: 'set', target: 'tcp:client', param: 'profile', value: 'linux' });
    pg.runUntil('10s');
    assert.deepEqual(replay.load(pg.scenario()).errors, []);
    replay.runUntil('10s');
    assert.equal(hashOf(replay), hashOf(pg));
    assert.equal(host(replay, 'client').profile, 'linux');
  });

  test('an unknown profile names the field and changes nothing', () => {
    assert.deepEqual(pg.load(readExample('02-teardown-time-wait.json')).errors, []);
    pg.runUntil('1s');
    const before = pg.scenario();
    let err;
    try {
      pg.setProfile('client', 'bsd');
    } catch (e) {
      err = e;
    }
    assert.ok(err, 'it throws');
    assert.match(err.message, /\/value: unknown TCP profile "bsd"/);
    assert.ok(err.errors[0].path.endsWith('/value'), JSON.stringify(err.errors));
    assert.equal(pg.scenario(), before);
    assert.equal(host(pg, 'client').profile, 'rfc');
  });
});
