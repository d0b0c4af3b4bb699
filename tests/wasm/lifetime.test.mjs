// Lifetime: 1000 load/reset cycles (and many playgrounds made and disposed) leave the wasm heap
// where it was after warm-up, and failed calls leak nothing either. heapUsed is malloc's count
// of bytes in use (mallinfo); heapSize the wasm memory, which never shrinks.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { create, readExample, twoHosts } from './helpers.mjs';

const handshake = readExample('01-handshake.json');

test('1000 load/reset cycles: the wasm heap does not grow after warm-up', async () => {
  const pg = await create();
  const cycle = (k) => {
    assert.equal(pg.load(handshake).ok, true);
    pg.runUntil('10s');
    pg.eventsSince(0);
    pg.snapshot();
    pg.reset();
    pg.runUntil(k % 2 ? '3s' : '10s');
  };
  for (let k = 0; k < 50; ++k) cycle(k);
  const warm = pg.memoryStats();
  for (let k = 0; k < 1000; ++k) cycle(k);
  const end = pg.memoryStats();
  assert.equal(end.heapSize, warm.heapSize, 'the wasm memory grew');
  // Allocator bookkeeping moves by a few bytes; a leak would be at least one byte per cycle.
  assert.ok(Math.abs(end.heapUsed - warm.heapUsed) < 1000, `heap used ${warm.heapUsed} -> ${end.heapUsed}`);
  pg.dispose();
});

test('made and disposed 300 times, failing calls 2000 times: no leak', async () => {
  const first = await create();
  const warm = first.memoryStats();
  first.dispose();
  for (let k = 0; k < 300; ++k) {
    const pg = await create();
    pg.load(twoHosts);
    pg.runUntil('2s');
    pg.dispose();
  }
  const pg = await create();
  pg.load(twoHosts);
  pg.runUntil('2s');
  const before = pg.memoryStats();
  for (let k = 0; k < 2000; ++k) {
    assert.throws(() => pg.send('nope', 'x'.repeat(200)));
    assert.throws(() => pg.series(999));
    assert.throws(() => pg.runUntil(-1));
    assert.equal(pg.load('{').ok, false);
  }
  const after = pg.memoryStats();
  assert.ok(Math.abs(after.heapUsed - before.heapUsed) < 1000, `heap used ${before.heapUsed} -> ${after.heapUsed}`);
  assert.equal(after.heapSize, before.heapSize);
  pg.dispose();
  assert.ok(pg.memoryStats().heapUsed <= warm.heapUsed + 4096, 'everything freed after dispose');
});
