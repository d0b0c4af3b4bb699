// Seeking, branches and undo through the WASM module (issue 17, parts 1 and 2): a seek back
// followed by playing on reproduces the run; a live edit after a seek back is a new branch that
// scenario() replays to the same trace; undo is the run without the action.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { create, readExample, sha256 } from './helpers.mjs';

const lesson18 = readExample('18-congestion-control.json');
const S = 1e9;

async function runToEnd(json) {
  const pg = await create();
  assert.equal(pg.load(json).ok, true);
  pg.runUntil(pg.duration());
  const out = { hash: sha256(pg.jsonl()), snapshot: pg.snapshot(), scenario: pg.scenario() };
  pg.dispose();
  return out;
}

test('lesson 18: a seek back and playing on without acting reproduces the original trace', async () => {
  const original = await runToEnd(lesson18);
  const pg = await create();
  assert.equal(pg.load(lesson18).ok, true);
  pg.runUntil(pg.duration());
  for (const t of [17.3 * S, 2.25 * S, 29.9 * S, 0, 11 * S]) {
    pg.seek(t);
    assert.equal(pg.now(), t);
    // The trace at t is the one of a run that only got to t.
    const fresh = await create();
    fresh.load(lesson18);
    fresh.runUntil(t);
    assert.equal(sha256(pg.jsonl()), sha256(fresh.jsonl()), `trace after seek(${t})`);
    assert.deepEqual(pg.snapshot(), fresh.snapshot(), `snapshot after seek(${t})`);
    fresh.dispose();
  }
  pg.runUntil(pg.duration());
  assert.equal(sha256(pg.jsonl()), original.hash);
  assert.deepEqual(pg.snapshot(), original.snapshot);
  const m = pg.memoryStats();
  assert.ok(m.checkpoints >= 2, `${m.checkpoints} checkpoints`);
  assert.ok(m.checkpointBytes > 0 && m.checkpointBytes <= 64 * 2 ** 20, `${m.checkpointBytes} bytes of checkpoints`);
  pg.dispose();
});

test('lesson 18: a seek back then a live edit gives a scenario() that replays to the live run', async () => {
  const pg = await create();
  assert.equal(pg.load(lesson18).ok, true);
  pg.runUntil(12 * S);
  pg.setLink('path1', { loss: 0.02 }); // recorded at 12 s
  pg.runUntil(20 * S);
  pg.seek(8 * S);
  assert.deepEqual(pg.actions().map((a) => a.ahead), [true]);
  pg.setLink('path2', { delay: '35ms' }); // acting in the past: a new branch without the 12 s edit
  const actions = pg.actions();
  assert.equal(actions.length, 1);
  assert.equal(actions[0].at, 8 * S);
  assert.equal(actions[0].ahead, false);
  assert.equal(actions[0].action.target, 'link:path2');
  assert.ok(!pg.scenario().includes('"link:path1"'), 'the dropped edit is not in scenario()');
  pg.runUntil(pg.duration());
  const live = sha256(pg.jsonl());
  const replay = await runToEnd(pg.scenario());
  assert.equal(replay.hash, live);
  pg.dispose();
});

test('scrubbing back keeps the later edits ahead of the playhead and replays them', async () => {
  const pg = await create();
  assert.equal(pg.load(lesson18).ok, true);
  pg.runUntil(5 * S);
  pg.setLink('path1', { loss: 0.01 });
  pg.runUntil(9 * S);
  pg.setTcp('cubic', 'nagle', false);
  pg.runUntil(pg.duration());
  const live = sha256(pg.jsonl());
  const scenario = pg.scenario();
  pg.seek(7 * S);
  assert.deepEqual(pg.actions().map((a) => [a.at, a.ahead]), [[5 * S, false], [9 * S, true]]);
  assert.equal(pg.scenario(), scenario);
  pg.runUntil(pg.duration());
  assert.equal(sha256(pg.jsonl()), live);
  assert.deepEqual(pg.actions().map((a) => a.ahead), [false, false]);
  assert.equal((await runToEnd(scenario)).hash, live);
  pg.dispose();
});

test('undoLastAction then playing on equals the run without that action', async () => {
  const plain = await runToEnd(lesson18);
  const pg = await create();
  assert.equal(pg.load(lesson18).ok, true);
  pg.runUntil(10 * S);
  pg.setLink('path2', { loss: 0.05 });
  pg.runUntil(pg.duration());
  assert.notEqual(sha256(pg.jsonl()), plain.hash);
  pg.undoLastAction();
  assert.equal(pg.now(), 10 * S);
  assert.deepEqual(pg.actions(), []);
  pg.runUntil(pg.duration());
  assert.equal(sha256(pg.jsonl()), plain.hash);
  assert.equal(pg.scenario(), plain.scenario);
  assert.throws(() => pg.undoLastAction(), { message: 'undo_last_action: no recorded action to undo' });
  pg.dispose();
});

test('stepBack goes back one event; seek checks its argument', async () => {
  const pg = await create();
  assert.equal(pg.load(lesson18).ok, true);
  pg.runUntil(3 * S);
  const events = pg.eventsRun();
  const end = pg.feed(0, 1).end;
  assert.equal(pg.stepBack(), true);
  assert.equal(pg.eventsRun(), events - 1);
  assert.ok(pg.feed(0, 1).end <= end);
  pg.step();
  assert.equal(pg.eventsRun(), events);
  assert.throws(() => pg.seek('soon'), /run_until: expected a duration/);
  assert.throws(() => pg.seek(-5), { message: 'seek: expected a time of 0 or more, got -5' });
  assert.throws(() => pg.engine.seek({}), /seek: t must be a number/);
  pg.seek('1s');
  assert.equal(pg.now(), S);
  pg.dispose();
});
