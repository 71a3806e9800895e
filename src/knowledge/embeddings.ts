/**
 * Embeddings for hybrid search, from OpenAI (POST {base}/embeddings) or Ollama (POST
 * {base}/api/embed) over their HTTP APIs, with the vectors of the chunks cached on disk by their
 * content hash: each is computed once, and a changed section is embedded again on its own.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../domain/index.ts';

export const EMBEDDING_PROVIDERS = ['none', 'openai', 'ollama'] as const;
export type EmbeddingProvider = (typeof EMBEDDING_PROVIDERS)[number];

/** Where and how to embed: the LANDUSE_EMBEDDING_* settings. */
export interface EmbeddingSettings {
  provider: Exclude<EmbeddingProvider, 'none'>;
  /** Unset: text-embedding-3-small (OpenAI) or nomic-embed-text (Ollama). */
  model?: string | undefined;
  /** Unset: https://api.openai.com/v1 (OpenAI) or http://127.0.0.1:11434 (Ollama). */
  baseUrl?: string | undefined;
  /** Sent as a bearer token to OpenAI (OPENAI_API_KEY). */
  apiKey?: string | undefined;
  /** The directory of the vector cache (LANDUSE_EMBEDDING_CACHE_DIR). */
  cacheDir: string;
  /** Milliseconds one request may take (default 30 s). */
  timeoutMs?: number;
}

/** Turns texts into vectors, one per text, in order. */
export interface Embedder {
  /** provider/model: what the cached vectors were made with. */
  readonly id: string;
  embed(texts: readonly string[]): Promise<number[][]>;
}

const DEFAULTS = {
  openai: { model: 'text-embedding-3-small', baseUrl: 'https://api.openai.com/v1' },
  ollama: { model: 'nomic-embed-text', baseUrl: 'http://127.0.0.1:11434' },
} as const;

/** Texts per request: well under both APIs' limits. */
const BATCH = 32;

/** The embedder of the settings, speaking its provider's HTTP protocol with `fetch`. */
export function createEmbedder(
  settings: EmbeddingSettings,
  fetchImpl: typeof fetch = fetch,
): Embedder {
  const model = settings.model || DEFAULTS[settings.provider].model;
  const base = (settings.baseUrl || DEFAULTS[settings.provider].baseUrl).replace(/\/+$/, '');
  const timeoutMs = settings.timeoutMs ?? 30_000;
  const openai = settings.provider === 'openai';
  const url = openai ? `${base}/embeddings` : `${base}/api/embed`;
  const where = `${settings.provider} embeddings at ${url}`;

  async function request(input: readonly string[]): Promise<number[][]> {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(openai && settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}),
        },
        body: JSON.stringify({ model, input }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new AppError('knowledge:embedding_failed', `Could not reach ${where}.`, {
        cause: error,
      });
    }
    if (!response.ok) {
      const detail = await response.text().catch(() => '');
      throw new AppError(
        'knowledge:embedding_failed',
        `${where} answered ${response.status}${detail ? `: ${detail.slice(0, 200)}` : ''}.`,
      );
    }
    const body = (await response.json()) as {
      data?: { index?: number; embedding?: unknown }[];
      embeddings?: unknown[];
    };
    const vectors = openai
      ? [...(body.data ?? [])]
          .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
          .map((d) => d.embedding)
      : (body.embeddings ?? []);
    if (vectors.length !== input.length || !vectors.every(isVector)) {
      throw new AppError(
        'knowledge:embedding_failed',
        `${where} did not return one vector of numbers per text (${input.length} sent, ${vectors.length} returned).`,
      );
    }
    return vectors;
  }

  return {
    id: `${settings.provider}/${model}`,
    async embed(texts) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        out.push(...(await request(texts.slice(i, i + BATCH))));
      }
      return out;
    },
  };
}

function isVector(v: unknown): v is number[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');
}

/** The cache file's shape: vectors by chunk hash, for one embedder. */
interface CacheFile {
  embedder: string;
  vectors: Record<string, number[]>;
}

/**
 * The vectors of these texts, keyed by their hashes: read from the embedder's cache file in
 * `cacheDir`, the missing ones computed in batches and the file rewritten atomically. Vectors of
 * hashes no longer asked for are dropped from the file.
 */
export async function cachedEmbeddings(
  embedder: Embedder,
  items: readonly { hash: string; text: string }[],
  cacheDir: string,
): Promise<{ vectors: Map<string, number[]>; computed: number }> {
  const file = join(
    cacheDir,
    `embeddings-${createHash('sha256').update(embedder.id).digest('hex').slice(0, 16)}.json`,
  );
  const cached = readCache(file, embedder.id);
  const missing = items.filter((i) => !cached.has(i.hash));
  if (missing.length > 0) {
    const fresh = await embedder.embed(missing.map((m) => m.text));
    missing.forEach((m, k) => cached.set(m.hash, fresh[k]!));
  }
  const vectors = new Map(items.map((i) => [i.hash, cached.get(i.hash)!]));
  const dims = new Set([...vectors.values()].map((v) => v.length));
  if (dims.size > 1) {
    throw new AppError(
      'knowledge:embedding_failed',
      `${embedder.id} returned vectors of different lengths (${[...dims].join(', ')}); delete ${file} if the model changed.`,
    );
  }
  if (missing.length > 0 || cached.size !== vectors.size) {
    writeCache(file, { embedder: embedder.id, vectors: Object.fromEntries(vectors) });
  }
  return { vectors, computed: missing.length };
}

function readCache(file: string, embedder: string): Map<string, number[]> {
  let parsed: CacheFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
  } catch {
    // No cache yet, or an unreadable one: everything is computed again.
    return new Map();
  }
  if (parsed.embedder !== embedder || typeof parsed.vectors !== 'object') return new Map();
  return new Map(Object.entries(parsed.vectors).filter(([, v]) => isVector(v)));
}

function writeCache(file: string, content: CacheFile): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(content));
    renameSync(temp, file);
  } catch (error) {
    throw new AppError(
      'knowledge:embedding_cache',
      `Could not write the embedding cache ${file}; check LANDUSE_EMBEDDING_CACHE_DIR.`,
      { cause: error },
    );
  }
}
