// The dead-letter scrubber under hostile shapes: it never throws, whatever the nesting, width or
// size of a payload, keeps secrets out within and past its bounds, and says in a note why a
// payload is not the scrubbed tree as received. No servers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KEPT_PAYLOAD_CHARS,
  MAX_JSON_DEPTH,
  REDACTED,
  SCRUB_LIMITS,
  jsonNestingDepth,
  keepPayload,
  nestingRefusal,
  scrubPayload,
} from '../src/dead-letter.js';

const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number, leaf = '1') => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);

describe('bounded dead-letter scrubbing', () => {
  // (Equality of long texts is asserted with ok(a === b): a failing diff would print megabytes.)
  it('keeps a body nested 100k levels deep (arrays or objects) as text with a note, without throwing', () => {
    for (const text of [nestedArrays(100_000), nestedObjects(50_000)]) {
      assert.ok(scrubPayload(text) === text, 'nothing secret: kept byte for byte');
      const kept = keepPayload(text);
      assert.ok(kept.payload === text);
      assert.match(kept.note ?? '', new RegExp(`nested more than ${SCRUB_LIMITS.depth} levels deep`));
    }
    // 100k levels of objects is 600 KB of text, more than a letter carries: the start, and why.
    const text = nestedObjects(100_000);
    const kept = keepPayload(text);
    assert.ok(kept.payload.length > 100_000 && text.startsWith(kept.payload), 'the start is kept');
    assert.match(kept.note ?? '', /nested more than 64 levels deep; only the first \d+ of 600001 characters are kept/);
  });

  it('redacts secret string fields by pattern in a body too deep to walk', () => {
    const text = `{"taskToken":"dG9rZW4=","inner":${nestedObjects(10_000, '{"password":"hunter2","text":"keep me"}')}}`;
    const kept = keepPayload(text);
    assert.ok(!kept.payload.includes('dG9rZW4=') && !kept.payload.includes('hunter2'), 'no secret survives');
    assert.ok(kept.payload.includes(`"taskToken":"${REDACTED}"`) && kept.payload.includes('"text":"keep me"'));
    assert.match(kept.note ?? '', /redacted by pattern/);
  });

  it('walks a tree within the depth bound as before: secrets at depth 60 are redacted, no note', () => {
    const text = nestedObjects(60, '{"seal":"s","n":1}');
    const kept = keepPayload(text);
    assert.equal(kept.note, undefined);
    assert.ok(kept.payload.includes(`"seal":"${REDACTED}"`) && !kept.payload.includes('"s"'));
  });

  it('a huge array (past the node budget) is kept as text with a note', () => {
    const text = `[${Array.from({ length: 200_000 }, () => '0').join(',')}]`;
    const kept = keepPayload(text);
    assert.ok(kept.payload === text);
    assert.match(kept.note ?? '', new RegExp(`more than ${SCRUB_LIMITS.nodes} values`));
  });

  it('a wide object within the node budget is scrubbed as a tree', () => {
    const fields = Array.from({ length: 30_000 }, (_, i) => `"f${i}":${i}`);
    fields[17_000] = '"apiKey":"sk-live-123"';
    // The time budget is not what this test is about (a loaded machine may walk slowly).
    const kept = keepPayload(`{${fields.join(',')}}`, { ...SCRUB_LIMITS, ms: 60_000 });
    assert.equal(kept.note, undefined);
    const tree = JSON.parse(kept.payload) as Record<string, unknown>;
    assert.equal(tree.apiKey, REDACTED);
    assert.equal(tree.f29999, 29_999);
  });

  it('a walk past its time budget keeps the payload as text, secrets redacted, and says why', () => {
    const fields = Array.from({ length: 5_000 }, (_, i) => `"f${i}":${i}`);
    fields[4_000] = '"apiKey":"sk-live-123"';
    const kept = keepPayload(`{${fields.join(',')}}`, { ...SCRUB_LIMITS, ms: -1 });
    assert.match(kept.note ?? '', /more than -1 ms of scrubbing/);
    assert.ok(kept.payload.includes(`"apiKey":"${REDACTED}"`) && !kept.payload.includes('sk-live-123'));
  });

  it('a payload larger than a letter can carry is cut to fit, even when escaping would grow it six times', () => {
    for (const text of ['x'.repeat(2 * 1024 * 1024), '\u0001'.repeat(600 * 1024)]) {
      const kept = keepPayload(text);
      assert.ok(JSON.stringify(kept.payload).length <= KEPT_PAYLOAD_CHARS, 'fits in a letter');
      assert.ok(text.startsWith(kept.payload) && kept.payload.length > 0, 'the start is kept');
      assert.match(
        kept.note ?? '',
        new RegExp(`only the first ${kept.payload.length} of ${text.length} characters are kept`),
      );
    }
  });

  it('text that is not JSON is kept as it came, secrets redacted by pattern', () => {
    assert.deepEqual(keepPayload('not json, "token": "abc", "x": 1'), {
      payload: `not json, "token": "${REDACTED}", "x": 1`,
    });
  });
});

describe('nesting depth', () => {
  it('is read without parsing, ignoring brackets inside strings, and stops past its limit', () => {
    assert.equal(jsonNestingDepth('{"a":"[[[[{{{{","b":[1,[2]]}'), 3);
    assert.equal(jsonNestingDepth('"\\"[["'), 0);
    assert.equal(jsonNestingDepth(nestedArrays(1_000_000), 10), 11);
    assert.equal(nestingRefusal(nestedArrays(MAX_JSON_DEPTH)), undefined);
    assert.match(nestingRefusal(nestedArrays(MAX_JSON_DEPTH + 1)) ?? '', /nested more than 64 levels deep/);
  });
});
