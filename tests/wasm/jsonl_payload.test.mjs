// jsonl({payload}) through the TypeScript wrapper: the same bytes as `tcpplay run --format json
// --jsonl-payload text|hex`, an HTTP status line readable from the trace alone, and the error
// for a mode that does not exist.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { cli, create, errorOf, examples, readExample } from './helpers.mjs';

describe('jsonl({payload})', () => {
  let pg;
  before(async () => {
    pg = await create();
    assert.deepEqual(pg.load(readExample('10-alb-idle-504.json')).errors, []);
    pg.runUntil(pg.duration());
  });
  after(() => pg.dispose());

  for (const payload of ['text', 'hex']) {
    test(`payload ${payload} matches the CLI byte for byte`, () => {
      const file = examples().find((e) => e.name === '10-alb-idle-504.json').path;
      const native = cli(['run', file, '--format', 'json', '--jsonl-payload', payload]);
      assert.equal(native.status, 0, native.stderr);
      assert.equal(pg.jsonl({ payload }), native.stdout);
    });
  }

  test('a status line in the trace alone, and none without the option', () => {
    const lines = pg.jsonl({ payload: 'text' }).trim().split('\n').map((l) => JSON.parse(l));
    const texts = lines.filter((e) => e.kind === 'packet_sent' && e.pkt?.payload).map((e) => e.pkt.payload);
    assert.ok(texts.some((t) => t.startsWith('HTTP/1.1 504 Gateway Time')), texts.join('\n'));
    assert.doesNotMatch(pg.jsonl(), /"payload"/);
    assert.equal(pg.jsonl({ payload: 'none' }), pg.jsonl());
  });

  test('an unknown mode is an error naming it', () => {
    assert.match(errorOf(() => pg.jsonl({ payload: 'base64' })), /payload must be "none", "text" or "hex", got "base64"/);
  });
});
