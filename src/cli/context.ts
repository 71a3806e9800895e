import { loadConfig, type Config } from '../config/index.ts';

let cached: Config | undefined;

/** The configuration, read from the environment once per CLI run. */
export function cliConfig(): Config {
  cached ??= loadConfig();
  return cached;
}
