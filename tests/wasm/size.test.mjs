// The module's size budget (issue 5): at most 600 KB raw and 200 KB gzipped (KB = 1000 bytes).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { modulePath } from './helpers.mjs';

test('tcpplay.js fits the size budget', (t) => {
  const raw = readFileSync(modulePath);
  const gz = gzipSync(raw, { level: 9 }).length;
  t.diagnostic(`module size: ${(raw.length / 1000).toFixed(1)} KB raw, ${(gz / 1000).toFixed(1)} KB gzip`);
  assert.ok(raw.length <= 600_000, `${raw.length} bytes raw, over 600 KB`);
  assert.ok(gz <= 200_000, `${gz} bytes gzipped, over 200 KB`);
});
