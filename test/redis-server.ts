import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';

/**
 * A real redis-server from Debian's package, started on a free loopback port for a test.
 * Without the binary the tests that need it fail in CI (CI=true: .ci/run installs it) and are
 * skipped elsewhere, saying why: a silent skip would pass a broken scale-out.
 */
export const REDIS_MISSING = !onPath('redis-server');
const CI = process.env.CI === 'true' || process.env.CI === '1';
export const SKIP_REDIS = REDIS_MISSING && !CI;
if (SKIP_REDIS) {
  console.warn(
    'skipping the Redis tests: redis-server is not on PATH (apt-get install redis-server; in CI this fails instead)',
  );
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL: no save, connections dropped at once). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (nothing is persisted). */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open and commands get no answer. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

/** Starts redis-server on a free loopback port, without persistence, and waits until it answers. */
export async function startRedis(): Promise<RedisServer> {
  if (REDIS_MISSING)
    throw new Error('redis-server is not installed (apt-get install redis-server)');
  const port = await freePort();
  const dir = await mkdtemp(join(os.tmpdir(), 'landuse-redis-'));
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--protected-mode',
        'yes',
        '--maxmemory',
        '256mb',
        '--maxmemory-policy',
        'volatile-lru',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start within 10 s:\n${output}`)),
        10_000,
      );
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${String(code)}:\n${output}`));
      });
    });
    proc.stdout?.resume();
    proc.stderr?.resume();
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: async () => {
      await kill();
      await launch();
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
