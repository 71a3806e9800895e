/** The result cache: the interface, the in-process L1, cache keys and database fingerprints. */
export type { CacheStats, ResultCache } from './types.ts';
export { createMemoryCache, memoryCacheOptions, type MemoryCacheOptions } from './memory.ts';
export { cacheKey, normalizeSql, stableSerialize, type CacheKeyParts } from './key.ts';
export { databaseFingerprint } from './fingerprint.ts';
export { approximateBytes } from './size.ts';
