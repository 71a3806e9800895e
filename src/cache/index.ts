/** The result cache: the interface, the in-process L1, cache keys and database fingerprints. */
export type { ResultCache } from './types.ts';
export { createMemoryCache, memoryCacheOptions } from './memory.ts';
export { cacheKey } from './key.ts';
export { databaseFingerprint } from './fingerprint.ts';
