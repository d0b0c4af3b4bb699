// The module's size against its budget: 300 KB gzipped (raised from 200 KB for the live page's
// API and the nlohmann_json loader to come) and 900 KB raw (KB = 1000 bytes),
// measured on build/wasm/tcpplay.js, the one script a page loads (glue plus the embedded wasm,
// see wasm_bindings/embed.mjs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { modulePath } from './helpers.mjs';

const BUDGET = { raw: 900_000, gzip: 300_000 };

test('tcpplay.js is within the size budget', (t) => {
  const raw = readFileSync(modulePath);
  const gz = gzipSync(raw, { level: 9 }).length;
  t.diagnostic(`module size: ${(raw.length / 1000).toFixed(1)} KB raw, ${(gz / 1000).toFixed(1)} KB gzip` +
               ` (budget ${BUDGET.raw / 1000} / ${BUDGET.gzip / 1000} KB)`);
  assert.ok(raw.length <= BUDGET.raw, `${raw.length} bytes raw, over the ${BUDGET.raw} budget`);
  assert.ok(gz <= BUDGET.gzip, `${gz} bytes gzipped, over the ${BUDGET.gzip} budget`);
});
