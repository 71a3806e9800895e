/** The domain vocabulary as data: no I/O, imports nothing of the app. */
export * from './land-uses.ts';
export * from './climate-models.ts';
export * from './scenarios.ts';
export * from './periods.ts';
export * from './geography.ts';
export * from './errors.ts';
export * from './lookup.ts';
