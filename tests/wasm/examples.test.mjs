// Every lesson in examples/: the trace the WASM module gives is identical, byte for byte, to the
// native CLI's `tcpplay run X --jsonl` (and its --pcap) for the same scenario and seed, and two
// native runs give the same bytes (issue 9's determinism check: twice natively, once in WASM).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cli, create, examples, sha256, tempDir } from './helpers.mjs';

/** Native run: the sha256 of its JSON Lines and of its pcap. */
function nativeHashes(path, seed) {
  const { dir, cleanup } = tempDir();
  try {
    const jsonl = join(dir, 'out.jsonl');
    const pcap = join(dir, 'out.pcap');
    const args = ['run', path, '--format', 'summary', '--jsonl', jsonl, '--pcap', pcap];
    if (seed !== undefined) args.push('--seed', String(seed));
    const r = cli(args);
    assert.equal(r.status, 0, r.stderr);
    return { jsonl: sha256(readFileSync(jsonl)), pcap: sha256(readFileSync(pcap)), events: readFileSync(jsonl, 'utf8').split('\n').length - 1 };
  } finally {
    cleanup();
  }
}

describe('examples: WASM trace = native trace', () => {
  let pg;
  before(async () => {
    pg = await create();
  });
  after(() => pg.dispose());

  const list = examples();
  test('there are examples to compare', () => assert.ok(list.length > 0));

  for (const ex of list) {
    test(`${ex.name} with its own seed`, () => {
      const native = nativeHashes(ex.path);
      assert.deepEqual(nativeHashes(ex.path), native, 'two native runs differ');
      const r = pg.load(ex.text);
      assert.deepEqual(r.errors, []);
      pg.runUntil(pg.duration());
      const jsonl = pg.jsonl();
      assert.ok(native.events > 0);
      assert.equal(sha256(jsonl), native.jsonl, 'JSON Lines differ');
      assert.equal(sha256(pg.pcap()), native.pcap, 'pcap differs');
    });

    test(`${ex.name} with --seed 4242`, () => {
      const native = nativeHashes(ex.path, 4242);
      assert.deepEqual(pg.load(ex.text).errors, []);
      pg.setPath('/seed', 4242);
      pg.runUntil(pg.duration());
      assert.equal(sha256(pg.jsonl()), native.jsonl);
    });
  }
});
