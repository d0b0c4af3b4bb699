// Generated scenarios (tools/equiv/generate.mjs, the trace-equivalence check's generator):
// every one the generator makes is a scenario the loader accepts, and a few dozen of them run
// twice natively with the same bytes (determinism) and once in the WASM module with the same
// JSON Lines, pcap and tcpdump text as the native CLI (native = WASM), as examples.test.mjs does
// for the lessons. The two-build check itself is `tools/equiv/compare.mjs` (README).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { generate } from '../../tools/equiv/generate.mjs';
import { cli, cliValidate, create, errorText, sha256, tempDir } from './helpers.mjs';

const SEED = 22; // issue 22; any seed works, this one is fixed so that failures reproduce
const VALID = 500; // scenarios checked by the loader (the module's: the same code as `validate`)
const RUN = 30; // scenarios run natively twice and once in the module

/** Native run of a scenario text: its stdout (text), JSON Lines and pcap. */
function native(text, dir) {
  const file = join(dir, 'scenario.json');
  writeFileSync(file, text);
  const jsonl = join(dir, 'out.jsonl');
  const pcap = join(dir, 'out.pcap');
  const r = cli(['run', file, '--jsonl', jsonl, '--pcap', pcap]);
  assert.equal(r.status, 0, r.stderr);
  return { text: r.stdout, jsonl: readFileSync(jsonl, 'utf8'), pcap: sha256(readFileSync(pcap)) };
}

describe('generated scenarios', () => {
  let pg;
  let tmp;
  before(async () => {
    pg = await create();
    tmp = tempDir('tcpplay-generated-');
  });
  after(() => {
    pg.dispose();
    tmp.cleanup();
  });

  test('the generator is a function of (seed, k)', () => {
    assert.deepEqual(generate(SEED, 3), generate(SEED, 3));
    assert.notDeepEqual(generate(SEED, 3), generate(SEED, 4));
    assert.notDeepEqual(generate(SEED, 3), generate(SEED + 1, 3));
  });

  test(`${VALID} generated scenarios load without errors`, () => {
    const bad = [];
    for (let k = 0; k < VALID && bad.length < 5; k++) {
      const errors = pg.load(JSON.stringify(generate(SEED, k))).errors;
      if (errors.length) bad.push(`gen ${SEED}/${k}: ${errorText(errors)}`);
    }
    assert.deepEqual(bad, [], 'generator bug: node tools/equiv/generate.mjs --seed S --index K prints the scenario');
  });

  test('tcpplay validate agrees on a few', () => {
    for (let k = 0; k < 5; k++) assert.equal(cliValidate(JSON.stringify(generate(SEED, k))), '', `gen ${SEED}/${k}`);
  });

  for (let k = 0; k < RUN; k++) {
    test(`gen ${SEED}/${k}: two native runs and the module give the same trace`, () => {
      const text = JSON.stringify(generate(SEED, k), null, 2);
      const first = native(text, tmp.dir);
      const second = native(text, tmp.dir);
      assert.equal(second.text, first.text, 'two native runs differ (text)');
      assert.equal(second.jsonl, first.jsonl, 'two native runs differ (JSON Lines)');
      assert.equal(second.pcap, first.pcap, 'two native runs differ (pcap)');
      assert.deepEqual(pg.load(text).errors, []);
      pg.runUntil(pg.duration());
      assert.equal(pg.jsonl(), first.jsonl, 'JSON Lines differ (WASM against native)');
      assert.equal(sha256(pg.pcap()), first.pcap, 'pcap differs (WASM against native)');
      // The CLI prints the lesson header (a generated scenario has only a title: "# TITLE", "#"),
      // the tcpdump text, then its summary.
      const header = `# ${generate(SEED, k).title}\n#\n`;
      assert.ok(first.text.startsWith(header + pg.tcpdumpText()), 'tcpdump text differs (WASM against native)');
    });
  }
});
