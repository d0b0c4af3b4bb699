// Error paths: bad JSON, an unknown host, a negative timeout and a crafted segment with an
// invalid option. Each reaches JavaScript with the message the native CLI prints for the same
// input, and the module keeps working afterwards (a scenario runs to the same trace as before).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cli, cliValidate, cliValidateAction, create, errorOf, errorText, readExample, root, sha256, tempDir, twoHosts } from './helpers.mjs';

const handshake = readExample('01-handshake.json');
let expectedTrace;

/** The module still works: the handshake lesson runs to its usual trace. */
function stillWorks(pg) {
  assert.deepEqual(pg.load(handshake).errors, []);
  pg.runUntil('10s');
  assert.equal(sha256(pg.jsonl()), expectedTrace);
}

describe('errors: same messages as the CLI, and the module keeps working', () => {
  let pg;
  before(async () => {
    pg = await create();
    assert.deepEqual(pg.load(handshake).errors, []);
    pg.runUntil('10s');
    expectedTrace = sha256(pg.jsonl());
  });
  after(() => pg.dispose());

  test('bad JSON', () => {
    // The syntax errors, then what nlohmann_json accepts and the engine refuses or words itself
    // (duplicate keys, the depth limit, NaN, a number beyond a double, leading zeros, a tab).
    const bad = ['{"hosts": [}', '{', '', '{"duration": "10s" "hosts": []}', '[1, 2,]',
      '{"title": "a",\n "title": "b"}', '{"loss": NaN}', '[1e400]', '['.repeat(300), '[01]',
      '{"title": "a\tb"}', '{"title": "\\ud800"}'];
    for (const text of bad) {
      const r = pg.load(text);
      assert.equal(r.ok, false);
      assert.equal(r.errors.length, 1);
      assert.equal(r.errors[0].path, '');
      assert.match(r.errors[0].message, /^invalid JSON/);
      assert.equal(errorText(r.errors), cliValidate(text), text);
      stillWorks(pg);
    }
    // A live action that is not JSON (through the raw module) or not an action.
    pg.load(twoHosts);
    const raw = new pg.module.Playground();
    try {
      raw.load(JSON.stringify(twoHosts));
      assert.match(errorOf(() => raw.apply('{"do": ')), /^: invalid JSON/);
      assert.match(errorOf(() => raw.apply('[1]')), /^\/timeline\/2: expected an object/);
    } finally {
      raw.delete();
    }
    assert.equal(errorOf(() => pg.action({ do: 1 })), cliValidateAction(pg, { do: 1 }));
    stillWorks(pg);
  });

  test('every bad scenario in tests/scenarios/bad gives the CLI\'s errors', () => {
    const dir = join(root, 'tests/scenarios/bad');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    assert.ok(files.length > 10);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const r = pg.load(text);
      assert.equal(r.ok, false, f);
      assert.equal(errorText(r.errors), cliValidate(text), f);
    }
    stillWorks(pg);
  });

  test('unknown host: in a scenario and in live actions', () => {
    const doc = structuredClone(twoHosts);
    doc.timeline[1].host = 'clinet';
    const r = pg.load(doc);
    assert.deepEqual(r.errors, [{ path: '/timeline/1/host', message: 'unknown host "clinet"' }]);
    assert.equal(errorText(r.errors), cliValidate(JSON.stringify(doc)));

    assert.deepEqual(pg.load(twoHosts).errors, []);
    pg.runUntil('2s');
    const live = [
      [() => pg.connect('mars', 'server', 80, 'c9'), { do: 'connect', host: 'mars', to: 'server', port: 80, name: 'c9' }],
      [() => pg.connect('client', 'venus', 80, 'c9'), { do: 'connect', host: 'client', to: 'venus', port: 80, name: 'c9' }],
      [() => pg.setTcp('pluto', 'nagle', false), { do: 'set', target: 'tcp:pluto', param: 'nagle', value: false }],
      [() => pg.setManual('ceres', true), { do: 'manual', host: 'ceres', on: true }],
    ];
    for (const [call, action] of live) {
      const message = errorOf(call);
      assert.match(message, /unknown host/);
      assert.equal(message, cliValidateAction(pg, action));
    }
    assert.equal(errorOf(() => pg.suggestSeqAck('mars', 'server', 40000, 80)), 'host: unknown host "mars"');
    // Nothing was recorded, and the connection made before still works.
    assert.equal(JSON.parse(pg.scenario()).timeline.length, 2);
    pg.send('c1', 'hello');
    pg.runUntil('3s');
    assert.match(pg.jsonl(), /received 5 bytes/);
    stillWorks(pg);
  });

  test('negative timeout: a TCP parameter, in a scenario and live; runUntil', () => {
    const doc = structuredClone(twoHosts);
    doc.tcp = { params: { connect_timeout: '-1s' } };
    const r = pg.load(doc);
    assert.equal(r.ok, false);
    assert.equal(errorText(r.errors), cliValidate(JSON.stringify(doc)));

    assert.deepEqual(pg.load(twoHosts).errors, []);
    pg.runUntil('500ms');
    for (const [param, value] of [['connect_timeout', '-1s'], ['user_timeout', '-5ms'], ['rto_min', -1]]) {
      const message = errorOf(() => pg.setTcp('client', param, value));
      assert.equal(message, cliValidateAction(pg, { do: 'set', target: 'tcp:client', param, value }));
    }
    const c1 = { do: 'connect', host: 'client', to: 'server', port: 80, name: 'c9', params: { connect_timeout: '-2s' } };
    assert.equal(errorOf(() => pg.connect('client', 'server', 80, 'c9', { params: { connect_timeout: '-2s' } })), cliValidateAction(pg, c1));

    // Virtual time never goes backwards, and a duration is never negative.
    assert.equal(errorOf(() => pg.runUntil(-1)), 'run_until: expected a time of 0 or more, got -1');
    assert.match(errorOf(() => pg.runUntil('-1s')), /^run_until: expected a duration like "30s"/);
    assert.match(errorOf(() => pg.runUntil(1.5)), /^t: expected an integer/);
    assert.match(errorOf(() => pg.runUntil(100)), /is before the current time 500ms/);
    pg.runUntil('2s');
    assert.equal(pg.now(), 2e9);
    stillWorks(pg);
  });

  test('crafted segment with an invalid option', () => {
    assert.deepEqual(pg.load(twoHosts).errors, []);
    pg.runUntil('2s');
    const base = { host: 'client', to: 'server', src_port: 40000, dst_port: 80, flags: 'A' };
    const bad = [
      [{ kind: 'md5' }],
      [{ kind: 'mss' }],
      [{ kind: 'mss', value: 70000 }],
      [{ kind: 'sack', blocks: [] }],
      [{ kind: 300 }],
      [{ kind: 8, data: new Array(39).fill(1) }],
      Array.from({ length: 11 }, () => ({ kind: 'ts', val: 1, ecr: 2 })),
    ];
    for (const options of bad) {
      const message = errorOf(() => pg.inject({ ...base, options }));
      assert.equal(message, cliValidateAction(pg, { do: 'inject', ...base, options }), JSON.stringify(options));
    }
    // Other malformed segments.
    assert.equal(errorOf(() => pg.inject({ ...base, flags: 'SZ' })), cliValidateAction(pg, { do: 'inject', ...base, flags: 'SZ' }));
    assert.equal(errorOf(() => pg.inject({ ...base, seq: -1 })), cliValidateAction(pg, { do: 'inject', ...base, seq: -1 }));
    // Nothing was sent or recorded.
    assert.equal(JSON.parse(pg.scenario()).timeline.length, 2);
    assert.doesNotMatch(pg.jsonl(), /crafted segment/);
    stillWorks(pg);
  });

  test('an option that parses but cannot be encoded: the run-time error the CLI traces', () => {
    assert.deepEqual(pg.load(twoHosts).errors, []);
    pg.runUntil('2s');
    // MSS with 1 data byte instead of 2: valid JSON, rejected when the segment is built.
    const action = { do: 'inject', host: 'client', to: 'server', src_port: 40000, dst_port: 80, flags: 'A', options: [{ kind: 2, data: [5] }] };
    const live = (() => {
      try {
        pg.action(action);
        return '';
      } catch (e) {
        return e.message;
      }
    })();
    // The CLI with the same action in the timeline: validate passes or fails the same way...
    const validation = cliValidateAction(pg, action);
    if (validation) {
      assert.equal(live, validation);
    } else {
      // ...and when it is valid, the run traces the failure as a note with the same text. (A
      // live action that fails is not recorded: it is added to the timeline here.)
      const doc = JSON.parse(pg.scenario());
      assert.equal(doc.timeline.length, twoHosts.timeline.length, 'the failed live action was not recorded');
      doc.timeline.push({ at: '2s', ...action });
      const notes = [];
      const { dir, cleanup } = tempDir();
      try {
        const file = join(dir, 's.json');
        writeFileSync(file, JSON.stringify(doc));
        const out = join(dir, 'o.jsonl');
        assert.equal(cli(['run', file, '--format', 'summary', '--jsonl', out]).status, 0);
        for (const line of readFileSync(out, 'utf8').split('\n').filter(Boolean)) {
          const ev = JSON.parse(line);
          if (ev.kind === 'note' && ev.detail.startsWith('inject: ')) notes.push(ev.detail);
        }
      } finally {
        cleanup();
      }
      assert.equal(notes.length, 1);
      // run_action notes a failed action as "<action>: <error>", naming the action once.
      assert.equal(notes[0], live.startsWith('inject: ') ? live : `inject: ${live}`);
    }
    stillWorks(pg);
  });

  test('unknown connection id, bad arguments, a disposed playground', async () => {
    assert.deepEqual(pg.load(twoHosts).errors, []);
    pg.runUntil('2s');
    assert.equal(errorOf(() => pg.series(999)), 'series: unknown connection id 999');
    assert.equal(errorOf(() => pg.series(-1)), 'series: unknown connection id -1');
    assert.match(errorOf(() => pg.series(0.5)), /^conn_id: expected an integer/);
    assert.equal(errorOf(() => pg.eventsSince(-1)), 'events_since: the cursor must be 0 or more, got -1');
    assert.match(errorOf(() => pg.eventsSince(1e9)), /is past the end of the trace/);
    assert.match(errorOf(() => pg.setLink('lan', { loss: 2 })), /^set_link: loss: expected a probability between 0 and 1, got 2$/);
    assert.match(errorOf(() => pg.setLink('wan', { loss: 0.1 })), /unknown link "wan"/);
    assert.match(errorOf(() => pg.send('nope', 'x')), /unknown socket "nope"/);
    assert.match(errorOf(() => pg.action({ do: 'fly' })), /unknown action "fly"/);
    assert.match(errorOf(() => pg.setPath('/links/0/loss', 5)), /\/links\/0\/loss: expected a probability/);

    const fresh = await create();
    assert.equal(errorOf(() => fresh.now()), 'no scenario loaded (call load() first)');
    assert.equal(errorOf(() => fresh.runUntil('1s')), 'no scenario loaded (call load() first)');
    fresh.dispose();
    assert.equal(errorOf(() => fresh.now()), 'this Playground was disposed');
    fresh.dispose();
    stillWorks(pg);
  });
});
