/**
 * Hybrid search over the embedding providers' real HTTP protocols (OpenAI /v1/embeddings, Ollama
 * /api/embed), served by a scripted server on a loopback port: vectors cached on disk by chunk
 * hash and computed once, and full-text search when the provider fails.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.ts';
import {
  chunkDocuments,
  createEmbedder,
  createKnowledgeBase,
  loadDocuments,
  openKnowledgeBase,
} from '../src/knowledge/index.ts';
import { DIMS, startEmbeddingsServer, type EmbeddingsServer } from './scripted/embeddings.ts';

let server: EmbeddingsServer;
let dir: string;
const chunks = chunkDocuments(loadDocuments()).length;

beforeAll(async () => {
  server = await startEmbeddingsServer();
  dir = mkdtempSync(join(tmpdir(), 'landuse-embeddings-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hybrid search with OpenAI embeddings', () => {
  it('embeds every chunk once, caches the vectors, and searches text and vectors', async () => {
    server.requests.length = 0;
    server.failWith(undefined);
    const cacheDir = join(dir, 'openai');
    const settings = {
      provider: 'openai' as const,
      baseUrl: `${server.url}/v1`,
      apiKey: 'sk-test',
      cacheDir,
    };
    const kb = createKnowledgeBase({ embedder: createEmbedder(settings), cacheDir });
    const r = await kb.search('What does the High-Low scenario assume?', { limit: 3 });
    expect(r.mode).toBe('hybrid');
    expect(r.warning).toBeUndefined();
    expect(r.passages[0]?.section).toBe('High-Low (HL): A Rocky Road');

    const embedded = server.requests.flatMap((q) => q.input);
    // Every chunk once (in batches), then the question.
    expect(embedded).toHaveLength(chunks + 1);
    expect(server.requests.every((q) => q.path === '/v1/embeddings')).toBe(true);
    expect(server.requests[0]).toMatchObject({
      authorization: 'Bearer sk-test',
      model: 'text-embedding-3-small',
    });
    const [file] = readdirSync(cacheDir);
    const cache = JSON.parse(readFileSync(join(cacheDir, file!), 'utf8')) as {
      embedder: string;
      vectors: Record<string, number[]>;
    };
    expect(cache.embedder).toBe('openai/text-embedding-3-small');
    expect(Object.keys(cache.vectors)).toHaveLength(chunks);
    expect(Object.values(cache.vectors)[0]).toHaveLength(DIMS);

    // A new process (a new knowledge base) reads the cache: only the question is embedded.
    server.requests.length = 0;
    const again = createKnowledgeBase({ embedder: createEmbedder(settings), cacheDir });
    const r2 = await again.search('Which climate model is the hottest?');
    expect(r2.mode).toBe('hybrid');
    expect(r2.passages[0]?.section).toBe('HadGEM2-ES365: the hot model');
    expect(server.requests.flatMap((q) => q.input)).toEqual([
      'which climate model is the hottest?',
    ]);
  });
});

describe('hybrid search with Ollama embeddings', () => {
  it('speaks /api/embed, configured through the settings', async () => {
    server.requests.length = 0;
    server.failWith(undefined);
    const config = loadConfig({
      LANDUSE_EMBEDDING_PROVIDER: 'ollama',
      LANDUSE_EMBEDDING_BASE_URL: server.url,
      LANDUSE_EMBEDDING_MODEL: 'nomic-embed-text',
      LANDUSE_EMBEDDING_CACHE_DIR: join(dir, 'ollama'),
    });
    const kb = openKnowledgeBase(config);
    // One knowledge base per process for one setup.
    expect(openKnowledgeBase(config)).toBe(kb);
    const r = await kb.search('How should I cite the data set?');
    expect(r.mode).toBe('hybrid');
    expect(r.passages[0]?.doc).toBe('citation');
    expect(server.requests.every((q) => q.path === '/api/embed')).toBe(true);
    expect(server.requests[0]?.model).toBe('nomic-embed-text');
    expect(server.requests[0]?.authorization).toBeUndefined();
  });
});

describe('a failing embedding provider', () => {
  it('leaves the search on full text and says why', async () => {
    server.requests.length = 0;
    server.failWith(503);
    const cacheDir = join(dir, 'failing');
    const kb = createKnowledgeBase({
      embedder: createEmbedder({ provider: 'openai', baseUrl: `${server.url}/v1`, cacheDir }),
      cacheDir,
    });
    const r = await kb.search('Why does urban land never go back?');
    expect(r.mode).toBe('text');
    expect(r.warning).toMatch(/Hybrid search is off .*answered 503/);
    expect(r.passages[0]?.section).toBe('Urban land is irreversible');
    server.failWith(undefined);
  });

  it('a provider that cannot be reached is named in the warning', async () => {
    const cacheDir = join(dir, 'unreachable');
    const kb = createKnowledgeBase({
      embedder: createEmbedder({ provider: 'ollama', baseUrl: 'http://127.0.0.1:9', cacheDir }),
      cacheDir,
    });
    const r = await kb.search('What is the ensemble mean?');
    expect(r.mode).toBe('text');
    expect(r.warning).toContain(
      'Could not reach ollama embeddings at http://127.0.0.1:9/api/embed',
    );
  });
});
