/**
 * The knowledge base's index: Orama over the chunks, BM25 full text always (with English
 * stemming), and hybrid (full text + vectors) when an embedding provider is configured. Built on
 * the first search, in memory; the documents are read from disk once.
 */
import {
  components,
  create,
  insertMultiple,
  search,
  type AnyOrama,
  type Tokenizer,
} from '@orama/orama';
import { chunkDocuments, expandQuery, indexText, type KnowledgeChunk } from './chunks.ts';
import { KNOWLEDGE_DIR, loadDocuments, type KnowledgeDocument } from './documents.ts';
import { cachedEmbeddings, type Embedder } from './embeddings.ts';
import {
  indexExamples,
  readExamples,
  type ExampleIndex,
  type ExampleQuestion,
} from './examples.ts';
import { BASE_FORMS, STOP_WORDS } from './stop-words.ts';

/** One passage found: a section of a document, with where to read it and what it draws on. */
export interface Passage {
  /** The document's id (file name without .md). */
  doc: string;
  docTitle: string;
  section: string;
  slug: string;
  /** Where the section is served: /knowledge/<doc>#<slug>. */
  ref: string;
  /** The section's markdown. */
  text: string;
  /** Relevance; comparable only within one search. */
  score: number;
  /** The publications the document draws on. */
  sources: string[];
}

export interface KnowledgeSearchResult {
  query: string;
  /** hybrid when vectors took part, text otherwise. */
  mode: 'text' | 'hybrid';
  passages: Passage[];
  /** Why a configured hybrid search ran as text only (the embedding provider failed). */
  warning?: string;
}

export interface KnowledgeBase {
  /** The documents, as read from disk. */
  documents(): KnowledgeDocument[];
  /** The best passages for a question, best first (at most `limit`, default 5). */
  search(query: string, options?: { limit?: number }): Promise<KnowledgeSearchResult>;
  /**
   * How much a question is like the example questions the documents answer: the similarity of
   * the most similar one, from 0 (no word in common) to 1 (the same words).
   */
  likeness(query: string): Promise<{ similarity: number; doc?: string; section?: string }>;
}

interface KnowledgeBaseOptions {
  /** The documents' directory (default: knowledge/ of the package). */
  dir?: string;
  /** With an embedder, searches are hybrid; its vectors are cached in `cacheDir`. */
  embedder?: Embedder;
  cacheDir?: string;
  /** Weight of the full-text score in a hybrid search (default 0.5; vectors get the rest). */
  textWeight?: number;
  /** Clock for retrying a failed embedding provider (default Date.now). */
  now?: () => number;
  /**
   * Example questions, each naming the section that answers it (default: knowledge/questions.jsonl
   * beside the documents when there is one; [] for none). A question like one of them lifts its
   * section.
   */
  examples?: readonly ExampleQuestion[];
  /** Weight of the example questions' evidence against the sections' own text (default 3). */
  exampleWeight?: number;
}

/** A list of references matches many questions by its titles: it ranks below prose. */
const SOURCES_WEIGHT = 0.5;
/** Seconds before a failed embedding provider is tried again. */
const RETRY_AFTER_MS = 60_000;
/**
 * Weight of the example questions' similarity (0 to 1) beside the sections' own score (the best
 * section's is 1). Chosen on the tuning sets and by leaving each writer of the examples out in turn.
 */
const EXAMPLE_WEIGHT = 3;
/**
 * Field weights: the section heading, the document (its title and introduction: every section of
 * a document shares it) and the section's text. The document counts half: it breaks ties between
 * sections of different documents that share the question's words.
 */
const BOOST = { section: 1, title: 0.5, text: 1 };
/**
 * BM25: term saturation k, length normalization b, BM25+ floor d. Chosen on the development and
 * training sets (eval/knowledge-{dev,dev2,train}.jsonl; Orama's defaults are 1.2, 0.75, 0.5): a high floor and a low
 * saturation reward a section for matching more of the question's words rather than repeating
 * a common one ("land use" is everywhere).
 */
const RELEVANCE = { k: 0.6, b: 0.75, d: 3 };

interface Index {
  db: AnyOrama;
  examples: ExampleIndex;
  /** Text already in the index's spelling (indexText) as the index's words. */
  words: (indexed: string) => string[];
  byId: Map<string, KnowledgeChunk>;
  hybrid: boolean;
  warning?: string;
}

/**
 * The knowledge base over a directory of markdown documents. Nothing is read until the first
 * search (or documents()); an embedding provider that fails leaves the searches on full text,
 * saying so in `warning`, and is tried again a minute later.
 */
export function createKnowledgeBase(options: KnowledgeBaseOptions = {}): KnowledgeBase {
  const now = options.now ?? Date.now;
  let docs: KnowledgeDocument[] | undefined;
  let building: Promise<Index> | undefined;
  let failedAt = 0;
  let examples: readonly ExampleQuestion[] | undefined = options.examples;
  const documents = () => (docs ??= loadDocuments(options.dir ?? KNOWLEDGE_DIR));

  function index(): Promise<Index> {
    if (!building || (failedAt > 0 && now() - failedAt > RETRY_AFTER_MS)) {
      failedAt = 0;
      examples ??= readExamples(options.dir ?? KNOWLEDGE_DIR);
      building = buildIndex(chunkDocuments(documents()), { ...options, examples }).then((built) => {
        if (built.warning) failedAt = now();
        return built;
      });
      // A failure to read the documents is reported to this search and tried again by the next.
      building.catch(() => (building = undefined));
    }
    return building;
  }

  return {
    documents,
    async likeness(query) {
      const ix = await index();
      let best: { similarity: number; doc?: string; section?: string } = { similarity: 0 };
      for (const [id, similarity] of ix.examples.like(ix.words(indexText(expandQuery(query))))) {
        if (similarity > best.similarity) {
          const c = ix.byId.get(id)!;
          best = { similarity, doc: c.doc, section: c.section };
        }
      }
      return best;
    },
    async search(query, { limit = 5 } = {}) {
      const text = query.trim();
      if (!text) return { query, mode: 'text', passages: [] };
      const ix = await index();
      let vector: number[] | undefined;
      let warning = ix.warning;
      if (ix.hybrid && options.embedder) {
        try {
          [vector] = await options.embedder.embed([indexText(text)]);
        } catch (error) {
          warning = `The question's embedding failed (${messageOf(error)}); searched the full text only.`;
        }
      }
      const term = indexText(expandQuery(text));
      const params = {
        term,
        boost: BOOST,
        relevance: RELEVANCE,
        limit: limit + 12,
        properties: ['section', 'title', 'text'],
      };
      const found = await (vector
        ? search(ix.db, {
            ...params,
            mode: 'hybrid',
            vector: { value: vector, property: 'embedding' },
            similarity: 0.1,
            hybridWeights: {
              text: options.textWeight ?? 0.5,
              vector: 1 - (options.textWeight ?? 0.5),
            },
          })
        : search(ix.db, params));
      // Each section's own score as a share of the best, plus the similarity of its example
      // question most like the question (0 to 1), weighted.
      const scores = new Map<string, number>();
      for (const hit of found.hits) {
        const chunk = ix.byId.get(String(hit.id))!;
        scores.set(chunk.id, hit.score * (chunk.isSources ? SOURCES_WEIGHT : 1));
      }
      const top = Math.max(0, ...scores.values());
      for (const [id, score] of scores) scores.set(id, top > 0 ? score / top : 0);
      const weight = options.exampleWeight ?? EXAMPLE_WEIGHT;
      for (const [id, like] of ix.examples.like(ix.words(term))) {
        scores.set(id, (scores.get(id) ?? 0) + weight * like);
      }
      const passages = [...scores]
        .map(([id, score]) => toPassage(ix.byId.get(id)!, score))
        .sort((a, b) => b.score - a.score)
        .slice(0, Math.max(0, limit));
      return {
        query,
        mode: vector ? 'hybrid' : 'text',
        passages,
        ...(warning ? { warning } : {}),
      };
    },
  };
}

function toPassage(c: KnowledgeChunk, score: number): Passage {
  return {
    doc: c.doc,
    docTitle: c.docTitle,
    section: c.section,
    slug: c.slug,
    ref: `/knowledge/${c.doc}#${c.slug}`,
    text: c.body,
    score,
    sources: c.sources,
  };
}

async function buildIndex(chunks: KnowledgeChunk[], options: KnowledgeBaseOptions): Promise<Index> {
  const byId = new Map(chunks.map((c) => [c.id, c]));
  let vectors: Map<string, number[]> | undefined;
  let warning: string | undefined;
  if (options.embedder) {
    try {
      ({ vectors } = await cachedEmbeddings(
        options.embedder,
        chunks.map((c) => ({ hash: c.hash, text: indexText(c.text) })),
        options.cacheDir ?? 'data/embeddings',
      ));
    } catch (error) {
      warning = `Hybrid search is off until the embedding provider answers (${messageOf(error)}); searched the full text only.`;
    }
  }
  const dims = vectors ? vectors.values().next().value?.length : undefined;
  const tokenizer = wholeWordTokenizer();
  const db = create({
    schema: {
      section: 'string',
      title: 'string',
      text: 'string',
      ...(dims ? { embedding: `vector[${dims}]` as const } : {}),
    },
    components: { tokenizer },
  });
  await insertMultiple(
    db,
    chunks.map((c) => ({
      id: c.id,
      section: indexText(c.section),
      title: indexText(`${c.docTitle}\n${c.docIntro}`),
      text: indexText(`${c.section}\n${c.body}`),
      ...(vectors ? { embedding: vectors.get(c.hash)! } : {}),
    })),
  );
  const words = (indexed: string) => tokenizer.tokenize(indexed, 'english');
  return {
    db,
    examples: indexExamples(chunks, options.examples ?? [], (q) => words(indexText(q))),
    words,
    byId,
    hybrid: dims !== undefined,
    ...(warning ? { warning } : {}),
  };
}

/**
 * Orama's English tokenizer (irregular forms read as their base form, stemming, our stop words)
 * with a mark after each word. Orama matches
 * a query word against every indexed word it begins ("land" finds "landowners", "count" finds
 * "county"); with the mark a word only finds itself. `exact: true` is no help: it also demands
 * that every word of the query appear in the passage.
 */
function wholeWordTokenizer(): Tokenizer {
  const base = components.tokenizer.createTokenizer({
    stemming: true,
    stopWords: [...STOP_WORDS],
  });
  return {
    ...base,
    tokenize: (raw, language, prop, withCache) =>
      base.tokenize(baseForms(raw), language, prop, withCache).map((word) => `${word}${WORD_END}`),
  };
}

/** Irregular forms replaced by their base form, before stemming. */
function baseForms(text: string): string {
  return text.replace(/[a-z]+/gi, (w) => BASE_FORMS.get(w.toLowerCase()) ?? w);
}

/** Never part of an indexed word: indexText turns underscores into spaces. */
const WORD_END = '_';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
