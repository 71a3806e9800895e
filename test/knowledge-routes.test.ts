/**
 * The knowledge base at the edges: `landuse knowledge search` in a real process, the documents
 * served at /knowledge/... (escaped HTML with section anchors under the default security
 * policy, or markdown), and the answer's sources in POST /api/ask.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp } from './server-helpers.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'landuse.js');

describe('landuse knowledge search', () => {
  it('prints the best passages as JSON, with document, section and address', async () => {
    const { stdout } = await run(process.execPath, [
      BIN,
      'knowledge',
      'search',
      'Why does urban land never go back?',
      '--json',
      '--limit',
      '2',
    ]);
    const out = JSON.parse(stdout) as {
      mode: string;
      passages: { doc: string; title: string; section: string; ref: string; sources: string[] }[];
    };
    expect(out.mode).toBe('text');
    expect(out.passages).toHaveLength(2);
    expect(out.passages[0]).toMatchObject({
      doc: 'land-use-model',
      title: 'How the land use projections were made',
      section: 'Urban land is irreversible',
      ref: '/knowledge/land-use-model#urban-land-is-irreversible',
    });
    expect(out.passages[0]!.sources.length).toBeGreaterThan(0);
  });

  it('prints them as text, and refuses a bad limit with exit code 2', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'knowledge', 'search', 'cite the DOI']);
    expect(stdout).toMatch(/^\d+ passages \(text search\)/);
    expect(stdout).toContain('/knowledge/citation#');
    const bad = await run(process.execPath, [
      BIN,
      'knowledge',
      'search',
      'x',
      '--limit',
      '0',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2 });
  });
});

describe('the documents served at /knowledge', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ app, close } = await openTestApp());
  });
  afterAll(() => close());

  it('renders a document as HTML with its section anchors, under the default policy', async () => {
    const r = await app.inject({ method: 'GET', url: '/knowledge/scenarios' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.body).toContain('<h1>The four RPA scenarios and the ensemble mean</h1>');
    expect(r.body).toContain('<h2 id="high-low-hl-a-rocky-road">High-Low (HL): A Rocky Road</h2>');
    expect(r.body).toContain('<code>RCP85_SSP3</code>');
    expect(r.body).not.toContain('<script');
  });

  it('sends the markdown with .md, lists the documents, and 404s an unknown one', async () => {
    const md = await app.inject({ method: 'GET', url: '/knowledge/citation.md' });
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.body).toMatch(/^# How to cite the data and the report/);
    const list = await app.inject({ method: 'GET', url: '/knowledge' });
    expect(list.body).toContain(
      '<a href="/knowledge/rpa-act">The RPA Act and the Assessment cycle</a>',
    );
    const missing = await app.inject({ method: 'GET', url: '/knowledge/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found:document' } });
    const odd = await app.inject({ method: 'GET', url: '/knowledge/..%2Fpackage.json' });
    expect(odd.statusCode).toBe(400);
  });

  it('lists the documents and their sections as JSON, each address served', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/knowledge' });
    expect(r.statusCode).toBe(200);
    const { documents } = r.json<{
      documents: { id: string; title: string; ref: string; sections: { ref: string }[] }[];
    }>();
    expect(documents.map((d) => d.id)).toContain('citation');
    expect(documents).toHaveLength(8);
    const scenarios = documents.find((d) => d.id === 'scenarios')!;
    expect(scenarios.sections.map((s) => s.ref)).toContain(
      '/knowledge/scenarios#high-low-hl-a-rocky-road',
    );
    for (const d of documents) {
      const page = await app.inject({ method: 'GET', url: d.ref });
      expect(page.statusCode, d.ref).toBe(200);
      for (const s of d.sections) expect(page.body, s.ref).toContain(`id="${s.ref.split('#')[1]}"`);
    }
  });

  it('returns the sources of an answer from POST /api/ask', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/ask',
      payload: { question: 'What does the High-Low scenario assume?' },
    });
    expect(r.statusCode).toBe(200);
    const body = r.json<{ sources: { title: string; section: string; ref: string }[] }>();
    expect(body.sources[0]).toEqual({
      title: 'The four RPA scenarios and the ensemble mean',
      section: 'High-Low (HL): A Rocky Road',
      ref: '/knowledge/scenarios#high-low-hl-a-rocky-road',
    });
  });

  it("keeps each answer's sources in the stored thread (GET /api/threads/:id)", async () => {
    const first = await app.inject({
      method: 'POST',
      url: '/api/ask',
      payload: { question: 'How should I cite the land use data set?' },
    });
    expect(first.statusCode).toBe(200);
    // The conversation belongs to the visitor the first answer's cookie names.
    const headers = { cookie: String(first.headers['set-cookie']).split(';')[0]! };
    const { threadId, sources } = first.json<{ threadId: string; sources: unknown[] }>();
    expect(sources.length).toBeGreaterThan(0);
    const second = await app.inject({
      method: 'POST',
      url: '/api/ask',
      headers,
      payload: { question: 'Which states have the most urban expansion?', threadId },
    });
    expect(second.statusCode).toBe(200);
    expect(second.json<{ sources: unknown[] }>().sources).toEqual([]);

    const thread = await app.inject({ method: 'GET', url: `/api/threads/${threadId}`, headers });
    expect(thread.statusCode).toBe(200);
    const answers = thread
      .json<{ messages: { role: string; toolCalls?: unknown[]; sources?: unknown[] }[] }>()
      .messages.filter((m) => m.role === 'assistant' && !m.toolCalls);
    expect(answers).toHaveLength(2);
    expect(answers[0]!.sources).toEqual(sources);
    expect(answers[1]!.sources).toBeUndefined();
  });
});
