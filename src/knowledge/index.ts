/**
 * The knowledge base: markdown documents about the RPA Assessment (knowledge/), chunked by
 * section and indexed with Orama, BM25 always and hybrid with an embedding provider.
 */
import type { Config } from '../config/index.ts';
import { createEmbedder } from './embeddings.ts';
import { createKnowledgeBase, type KnowledgeBase } from './search.ts';

export {
  KNOWLEDGE_DIR,
  loadDocuments,
  parseDocument,
  slugify,
  type KnowledgeDocument,
  type KnowledgeSection,
} from './documents.ts';
export { chunkDocuments, expandQuery, indexText, type KnowledgeChunk } from './chunks.ts';
export {
  cachedEmbeddings,
  createEmbedder,
  EMBEDDING_PROVIDERS,
  type Embedder,
  type EmbeddingProvider,
  type EmbeddingSettings,
} from './embeddings.ts';
export {
  createKnowledgeBase,
  type KnowledgeBase,
  type KnowledgeSearchResult,
  type Passage,
} from './search.ts';
export { renderDocumentHtml } from './html.ts';
export {
  readRetrievalSet,
  scoreRetrieval,
  type RetrievalQuestion,
  type RetrievalReport,
} from './retrieval-eval.ts';

type KnowledgeConfig = Pick<Config, 'embeddingProvider' | 'embeddingCacheDir'> &
  Partial<Pick<Config, 'embeddingModel' | 'embeddingBaseUrl' | 'openaiApiKey'>>;

const shared = new Map<string, KnowledgeBase>();

/** The bundled documents searched on full text only, one per process. */
export function defaultKnowledgeBase(): KnowledgeBase {
  return openKnowledgeBase({ embeddingProvider: 'none', embeddingCacheDir: 'data/embeddings' });
}

/**
 * The knowledge base of a configuration, one per process for each embedding setup (the agents of
 * every provider share it): hybrid when LANDUSE_EMBEDDING_PROVIDER names a provider, else full
 * text. Nothing is read or fetched until its first search.
 */
export function openKnowledgeBase(config: KnowledgeConfig): KnowledgeBase {
  const key = JSON.stringify([
    config.embeddingProvider,
    config.embeddingModel,
    config.embeddingBaseUrl,
    config.embeddingCacheDir,
  ]);
  let kb = shared.get(key);
  if (!kb) {
    kb =
      config.embeddingProvider === 'none'
        ? createKnowledgeBase()
        : createKnowledgeBase({
            embedder: createEmbedder({
              provider: config.embeddingProvider,
              model: config.embeddingModel,
              baseUrl: config.embeddingBaseUrl,
              apiKey: config.openaiApiKey,
              cacheDir: config.embeddingCacheDir,
            }),
            cacheDir: config.embeddingCacheDir,
          });
    shared.set(key, kb);
  }
  return kb;
}
