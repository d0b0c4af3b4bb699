// The module's size. Issue 5's budget is 600 KB raw and 200 KB gzipped (KB = 1000 bytes); with
// the applications and balancers linked in (lessons 10-16) the module is about 717 KB raw and
// 279 KB gzipped, so the budget is not met yet. This test holds the line at the interim ceiling
// below, so the size cannot grow unnoticed while the gap is closed (nlohmann's template code in
// the scenario loader is about a quarter of the wasm: replacing it is the planned fix).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { modulePath } from './helpers.mjs';

const TARGET = { raw: 600_000, gzip: 200_000 };   // issue 5
const CEILING = { raw: 740_000, gzip: 290_000 };  // interim: today's size plus about 3%

test('tcpplay.js stays under the interim size ceiling', (t) => {
  const raw = readFileSync(modulePath);
  const gz = gzipSync(raw, { level: 9 }).length;
  t.diagnostic(`module size: ${(raw.length / 1000).toFixed(1)} KB raw, ${(gz / 1000).toFixed(1)} KB gzip` +
               ` (target ${TARGET.raw / 1000} / ${TARGET.gzip / 1000} KB)`);
  assert.ok(raw.length <= CEILING.raw, `${raw.length} bytes raw, over the ${CEILING.raw} ceiling`);
  assert.ok(gz <= CEILING.gzip, `${gz} bytes gzipped, over the ${CEILING.gzip} ceiling`);
});
