import { describe, expect, it } from 'vitest';
import { createMemoryCache, memoryCacheOptions } from './memory.ts';

/** A clock the test moves by hand: no sleeping, no wall clock. */
function fakeClock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('createMemoryCache', () => {
  it('counts hits, misses and sets, and returns the stored value itself', async () => {
    const cache = createMemoryCache({ maxBytes: 10_000, ttlMs: 1000, now: fakeClock().now });
    const rows = [{ state: 'CA', acres: 12.5 }];
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', rows);
    expect(await cache.get('k')).toBe(rows);
    expect(await cache.get('other')).toBeUndefined();
    expect(cache.stats()).toMatchObject({
      hits: 1,
      misses: 2,
      sets: 1,
      entries: 1,
      maxBytes: 10_000,
    });
    expect(cache.stats().bytes).toBeGreaterThan(0);
  });

  it('stores null, and treats storing undefined as a delete', async () => {
    const cache = createMemoryCache({ maxBytes: 10_000, ttlMs: 1000 });
    await cache.set('n', null);
    expect(await cache.get('n')).toBeNull();
    await cache.set('n', undefined);
    expect(await cache.get('n')).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
  });

  it('sizes bigint values without throwing', async () => {
    const cache = createMemoryCache({ maxBytes: 10_000, ttlMs: 1000 });
    await cache.set('b', [{ total: 2n ** 70n }]);
    expect(await cache.get('b')).toEqual([{ total: 2n ** 70n }]);
  });

  it('expires an entry after its TTL, counting a miss and an expiration', async () => {
    const clock = fakeClock();
    const cache = createMemoryCache({ maxBytes: 10_000, ttlMs: 1000, now: clock.now });
    await cache.set('k', 'v');
    clock.advance(1000);
    expect(await cache.get('k')).toBe('v');
    clock.advance(1);
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.stats()).toMatchObject({
      hits: 1,
      misses: 1,
      expirations: 1,
      evictions: 0,
      entries: 0,
    });
  });

  it('does not extend the TTL on reads', async () => {
    const clock = fakeClock();
    const cache = createMemoryCache({ maxBytes: 10_000, ttlMs: 1000, now: clock.now });
    await cache.set('k', 'v');
    for (let i = 0; i < 4; i++) {
      clock.advance(250);
      expect(await cache.get('k')).toBe('v');
    }
    clock.advance(1);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('honours a per-entry TTL over the default', async () => {
    const clock = fakeClock(5000);
    const cache = createMemoryCache({ maxBytes: 10_000, ttlMs: 1000, now: clock.now });
    await cache.set('short', 's', 100);
    await cache.set('long', 'l', 5000);
    await cache.set('default', 'd');
    clock.advance(101);
    expect(await cache.get('short')).toBeUndefined();
    expect(await cache.get('default')).toBe('d');
    clock.advance(1000);
    expect(await cache.get('default')).toBeUndefined();
    expect(await cache.get('long')).toBe('l');
    clock.advance(4000);
    expect(await cache.get('long')).toBeUndefined();
  });

  it('rejects a TTL that is not positive', async () => {
    const cache = createMemoryCache({ maxBytes: 10_000, ttlMs: 1000 });
    await expect(cache.set('k', 'v', 0)).rejects.toThrow(RangeError);
    await expect(cache.set('k', 'v', Number.NaN)).rejects.toThrow(RangeError);
    expect(() => createMemoryCache({ maxBytes: 0, ttlMs: 1000 })).toThrow(RangeError);
    expect(() => createMemoryCache({ maxBytes: 10, ttlMs: -1 })).toThrow(RangeError);
  });

  it('evicts the least recently used entry, keeping one that was read', async () => {
    const probe = createMemoryCache({ maxBytes: 10_000, ttlMs: 1000 });
    await probe.set('a', 'x'.repeat(40));
    const entryBytes = probe.stats().bytes;

    // Room for three entries of this size, not four.
    const cache = createMemoryCache({ maxBytes: entryBytes * 3 + entryBytes / 2, ttlMs: 1000 });
    for (const key of ['a', 'b', 'c']) await cache.set(key, key.repeat(40));
    expect(await cache.get('a')).toBe('a'.repeat(40)); // a is now the most recently used
    await cache.set('d', 'd'.repeat(40));

    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe('a'.repeat(40));
    expect(await cache.get('c')).toBe('c'.repeat(40));
    expect(await cache.get('d')).toBe('d'.repeat(40));
    expect(cache.stats()).toMatchObject({ evictions: 1, entries: 3, bytes: entryBytes * 3 });
  });

  it('never holds more than maxBytes, whatever the sizes inserted', async () => {
    const random = seeded(42);
    const maxBytes = 4096;
    const cache = createMemoryCache({ maxBytes, ttlMs: 60_000 });
    let stored = 0;
    for (let i = 0; i < 2000; i++) {
      // Sizes up to past the bound, so some values cannot be stored at all.
      await cache.set(`k${i % 300}`, 'v'.repeat(Math.floor(random() * 2500)));
      const { bytes, entries, sets } = cache.stats();
      expect(bytes).toBeLessThanOrEqual(maxBytes);
      expect(entries).toBeGreaterThanOrEqual(0);
      stored = sets;
    }
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(2000);
    expect(cache.stats().evictions).toBeGreaterThan(0);
  });

  it('does not store a value larger than maxBytes, and counts only a miss', async () => {
    const cache = createMemoryCache({ maxBytes: 1000, ttlMs: 1000 });
    await cache.set('small', 'ok');
    await cache.set('huge', 'x'.repeat(1000));
    expect(await cache.get('huge')).toBeUndefined();
    expect(await cache.get('small')).toBe('ok');
    expect(cache.stats()).toMatchObject({ sets: 1, evictions: 0, misses: 1, entries: 1 });
  });

  it('drops the previous value when an oversized one replaces it', async () => {
    const cache = createMemoryCache({ maxBytes: 1000, ttlMs: 1000 });
    await cache.set('k', 'old');
    await cache.set('k', 'x'.repeat(1000));
    expect(await cache.get('k')).toBeUndefined();
  });

  it('deletes, clears and closes without touching the counters', async () => {
    const cache = createMemoryCache({ maxBytes: 10_000, ttlMs: 1000 });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.delete('a');
    expect(await cache.get('a')).toBeUndefined();
    await cache.clear();
    expect(await cache.get('b')).toBeUndefined();
    await cache.set('c', 3);
    await cache.close();
    expect(cache.stats()).toMatchObject({ sets: 3, misses: 2, evictions: 0, entries: 0, bytes: 0 });
  });

  it('takes its options from the configuration', () => {
    expect(memoryCacheOptions({ cacheTtlSeconds: 3600, cacheMaxBytes: 64 * 2 ** 20 })).toEqual({
      ttlMs: 3_600_000,
      maxBytes: 64 * 2 ** 20,
    });
  });
});
