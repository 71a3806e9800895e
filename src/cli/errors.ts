import { isAppError } from '../domain/index.ts';

/** Areas whose errors mean the input was refused: exit code 2. */
const REFUSED = new Set(['usage', 'config', 'sql', 'bad_request']);

/**
 * The CLI's one place that turns an error into a message and an exit code: 2 for bad usage,
 * configuration, a bad parameter or a rejected SQL statement, 1 for everything else. Stacks only with --debug.
 */
export function reportError(error: unknown, debug: boolean): number {
  if (isAppError(error)) {
    const prefix = error.area === 'sql' ? 'Rejected' : 'Error';
    process.stderr.write(`${prefix}: ${error.message}\n`);
    if (debug && error.cause) process.stderr.write(`${String(stackOf(error.cause))}\n`);
    return REFUSED.has(error.area) ? 2 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Error: ${message}\n`);
  process.stderr.write(debug ? `${String(stackOf(error))}\n` : '(run with --debug for details)\n');
  return 1;
}

function stackOf(error: unknown): unknown {
  return error instanceof Error ? error.stack : error;
}
