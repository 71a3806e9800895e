import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { exportParams, exportStream } from '../../analytics/export/index.ts';
import type { ServerDeps } from '../deps.ts';
import type { ZodApp } from '../types.ts';

/** What the route calls to make a file; tests pass a slow or failing one. */
interface ExportEffects {
  exportStream: typeof exportStream;
  /** A download whose client takes no data for this long is cut off (default 60 s). */
  idleTimeoutMs?: number;
}

/** How long a stalled download may hold its export slot and database connection. */
const EXPORT_IDLE_TIMEOUT_MS = 60_000;

/**
 * GET /api/export: the filtered data as a download, streamed with flat memory. Filters are
 * checked before any byte is sent (400 listing the choices); at most LANDUSE_MAX_EXPORTS run at
 * once (503 with Retry-After beyond), and a slot is freed exactly once however the stream ends:
 * finished, failed, or cut off by the client.
 */
export function exportRoutes(
  app: ZodApp,
  deps: ServerDeps,
  effects: ExportEffects = { exportStream },
): Promise<void> {
  app.get(
    '/api/export',
    {
      schema: {
        tags: ['Export'],
        summary: 'Download the data as CSV, JSON, NDJSON, xlsx or Parquet',
        description:
          'Transitions per county (or summed per state) for the chosen scenarios, periods, states and land uses, as an attachment. Demo data is marked in the file name and the X-Data-Notice header.',
        querystring: exportParams,
      },
    },
    async (request, reply) => {
      // Resolving the filters runs no query, so a bad one is refused before a slot is taken.
      const file = await effects.exportStream(deps.service, request.query);
      await deps.exports.acquire();
      deps.observability.streamOpened('export');
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        deps.observability.streamClosed('export');
        deps.exports.release();
      };
      try {
        // 'end' comes as the last byte is handed to the response (so the slot is free by the
        // time the client has the file); 'error' and 'close' cover a failure and destroy()
        // (Fastify destroys the stream when the client goes away), and destroying it ends the
        // body's iterator, which hands the database connection back.
        const body = Readable.from(file.body, { objectMode: false });
        for (const event of ['end', 'error', 'close']) body.once(event, release);
        reply.raw.once('close', () => {
          if (!body.destroyed) body.destroy();
        });
        // A client that stops reading would otherwise hold the slot and a database connection
        // for ever: when no byte moves for the idle time, the connection is cut (and the
        // 'close' above frees both). Injected requests have no real socket.
        const socket = request.raw.socket as Socket | undefined;
        if (typeof socket?.setTimeout === 'function') {
          const onIdle = () => {
            request.log.warn('export stalled: the client read nothing; closing the connection');
            socket.destroy();
          };
          socket.setTimeout(effects.idleTimeoutMs ?? EXPORT_IDLE_TIMEOUT_MS, onIdle);
          // Once the download is over, the connection is an ordinary keep-alive one again.
          body.once('close', () => {
            socket.setTimeout(0);
            socket.off('timeout', onIdle);
          });
        }
        void reply
          .header('content-type', file.contentType)
          .header('content-disposition', `attachment; filename="${file.filename}"`)
          .header('cache-control', 'no-store');
        if (file.notice) void reply.header('x-data-notice', file.notice);
        return await reply.send(body);
      } catch (error) {
        release();
        throw error;
      }
    },
  );
  // Declaring routes is synchronous; the Promise keeps the signature every route module shares.
  return Promise.resolve();
}
