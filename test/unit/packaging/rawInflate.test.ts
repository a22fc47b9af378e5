/**
 * The reused-handle inflater (rawInflate.ts) must give exactly what `zlib.inflateRawSync` gives,
 * or nothing (undefined: the caller inflates the usual way), whatever the bytes: damaged streams,
 * lying sizes and bytes after the end never give data of its own, and never stop the process.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { inflateRawReused, rawInflaterMaker } from '../../../server/src/core/packaging/rawInflate';

/** A deterministic generator, so a failure can be repeated. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** JSON-like text of about `n` bytes: what cards hold, repetitive enough to compress. */
function cardText(rnd: () => number, n: number): Buffer {
  const words = ['"code"', '"title"', '"fields"', '"type"', '"string"', '{', '}', '[', ']', ':', ',', '"Счёт"', '12345', 'true', '"\\u0041"'];
  let s = '';
  while (s.length < n) s += words[Math.floor(rnd() * words.length)];
  return Buffer.from(s);
}

/** What the usual way gives: the bytes, or the error's message. */
function usual(raw: Buffer, size: number): Buffer | string {
  try {
    return zlib.inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
  } catch (e) {
    return (e as Error).message;
  }
}

describe('inflating whole entries on one reused zlib stream', () => {
  it('gives what inflateRawSync gives, for entries of every size and compression level', () => {
    const rnd = random(7);
    for (let i = 0; i < 400; i++) {
      const text = i % 50 === 0 ? randomBytes(Math.floor(rnd() * 5000)) : cardText(rnd, Math.floor(rnd() * (i % 10 === 0 ? 200_000 : 3000)));
      const raw = zlib.deflateRawSync(text, { level: i % 10 });
      const got = inflateRawReused(raw, text.length);
      assert.ok(got, `entry ${i} (${text.length} bytes) was inflated`);
      assert.ok(got.equals(text), `entry ${i} is the same`);
    }
  });

  it('answers nothing for a damaged stream, and the next entry still inflates right', () => {
    const rnd = random(11);
    const good = cardText(rnd, 2000);
    const goodRaw = zlib.deflateRawSync(good);
    let answered = 0;
    for (let i = 0; i < 3000; i++) {
      const text = cardText(rnd, 50 + Math.floor(rnd() * 3000));
      const raw = Buffer.from(zlib.deflateRawSync(text));
      // Flip bytes, cut the end off, or both.
      const flips = Math.floor(rnd() * 4);
      for (let f = 0; f < flips; f++) raw[Math.floor(rnd() * raw.length)] ^= 1 + Math.floor(rnd() * 255);
      const cut = rnd() < 0.3 ? raw.subarray(0, Math.floor(rnd() * raw.length)) : raw;
      const got = inflateRawReused(cut, text.length);
      const want = usual(cut, text.length);
      if (got) {
        answered++;
        // When it answers, it is what the usual way gives, and no longer than declared.
        assert.ok(Buffer.isBuffer(want) && got.equals(want), `damaged entry ${i}: the same bytes as inflateRawSync`);
        assert.ok(got.length <= text.length);
      }
      const next = inflateRawReused(goodRaw, good.length);
      assert.ok(next?.equals(good), `after damaged entry ${i}, a sound entry inflates right`);
    }
    assert.ok(answered > 0 && answered < 3000, `some damaged entries still inflate, most do not (${answered})`);
  });

  it('answers nothing when the entry is longer than declared or has bytes after its end', () => {
    const text = Buffer.from('{"id":"ws.a","body":{}}'.repeat(40));
    const raw = zlib.deflateRawSync(text);
    assert.equal(inflateRawReused(raw, text.length - 1), undefined, 'one byte more than declared');
    assert.equal(inflateRawReused(raw, 10), undefined, 'far more than declared');
    assert.equal(inflateRawReused(Buffer.concat([raw, Buffer.from('trailing')]), text.length), undefined, 'bytes after the end');
    // Shorter than declared: the bytes there are; the caller refuses the size (inMemory.ts `inflated`).
    assert.ok(inflateRawReused(raw, text.length + 5)?.equals(text));
    assert.equal(inflateRawReused(raw, -1), undefined);
    assert.equal(inflateRawReused(raw, 64 * 1024 * 1024), undefined, 'over the size it serves');
    assert.ok(inflateRawReused(raw, text.length)?.equals(text));
  });

  it('is never used where the zlib stream has no handle of the kind it expects', () => {
    const noHandle = rawInflaterMaker({ ...zlib, InflateRaw: class {} } as unknown as typeof zlib);
    const text = Buffer.from('{"a":1}');
    assert.equal(noHandle(zlib.deflateRawSync(text), text.length), undefined);
    // A handle that gives wrong bytes fails the first check, and the inflater stays unused.
    class Lying extends zlib.InflateRaw {
      constructor() {
        super();
        const h = (this as unknown as { _handle: { writeSync: (...a: unknown[]) => void } })._handle;
        const real = h.writeSync.bind(h);
        h.writeSync = (...a: unknown[]) => {
          real(...a);
          (a[4] as Buffer)[0] ^= 1;
        };
      }
    }
    const lying = rawInflaterMaker({ ...zlib, InflateRaw: Lying } as unknown as typeof zlib);
    assert.equal(lying(zlib.deflateRawSync(text), text.length), undefined);
    assert.equal(lying(zlib.deflateRawSync(text), text.length), undefined);
  });
});
