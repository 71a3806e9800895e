/**
 * LLM provider faults under load: a real server (startServer on 127.0.0.1) whose model is a
 * scripted OpenAI-protocol server injecting faults on a fixed, seeded schedule (HTTP 500, 503
 * and 429 with Retry-After, replies that never start, resets, and garbled tool calls: arguments
 * not JSON, an unknown tool, arguments failing the schema). Ten users with a thread each ask in
 * turns over /api/ask and the /api/chat stream. Checked: every request answers 200; a turn the
 * provider could not serve is answered by the offline planner, which says why; the retries
 * counted agree with the faults served; every thread holds each question and answer once, in
 * order, and takes a follow-up. And a provider down for the whole run: the circuit opens and the
 * planner answers quickly. Time bounds are loose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointer } from '../src/agent/index.ts';
import { fallbackNote } from '../src/agent/models/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { startServer, type RunningServer } from '../src/server/index.ts';
import { openHandMade } from './helpers.ts';
import { parseExposition, total } from './metrics-text.ts';
import { startOpenAIServer } from './scripted/openai.ts';
import type { RecordedRequest, Reply, ScriptedServer } from './scripted/server.ts';
import { askTurn, mulberry32, shuffle, threadView, visitor, type Turn } from './scripted/users.ts';

type Fault = '500' | '503' | '429' | 'hang' | 'reset' | 'badjson' | 'unknown' | 'badargs';
type Step = 'ok' | Fault;

/** A turn's script: what the model server does at each of the turn's requests (then 'ok'). */
interface Scenario {
  name: string;
  steps: Step[];
  /** Retries the answer's metrics count. */
  retries: number;
  /** The reason the fallback note gives, when the offline planner answers. */
  fallback?: RegExp;
}

const SCENARIOS: Scenario[] = [
  { name: '500', steps: ['500'], retries: 1 },
  { name: '503 with Retry-After', steps: ['503'], retries: 1 },
  { name: '429 with Retry-After', steps: ['429'], retries: 1 },
  { name: 'no reply', steps: ['hang'], retries: 1 },
  { name: 'reset', steps: ['reset'], retries: 1 },
  { name: '500 after the tool call', steps: ['ok', '500'], retries: 1 },
  { name: 'arguments not JSON', steps: ['badjson'], retries: 1 },
  { name: 'unknown tool', steps: ['unknown'], retries: 1 },
  { name: 'arguments failing the schema', steps: ['badargs'], retries: 1 },
  {
    name: 'errors past the budget',
    steps: ['500', '429', 'reset'],
    retries: 2,
    fallback: /^connection failed, after 3 attempts$/,
  },
  {
    name: 'no replies past the budget',
    steps: ['hang', '503', 'hang'],
    retries: 2,
    fallback: /^timed out, after 3 attempts$/,
  },
  {
    name: 'garbled calls past the budget',
    steps: ['unknown', 'badargs', 'unknown'],
    retries: 2,
    fallback: /^it called a tool that does not exist \(compare_countries\), after 3 attempts$/,
  },
  {
    name: 'arguments never JSON',
    steps: ['badjson', 'badjson', 'badjson'],
    retries: 2,
    fallback: /^its tool call arguments were not valid JSON \(compare_states\), after 3 attempts$/,
  },
  {
    name: 'down after the tool call',
    steps: ['ok', '500', '500', '500'],
    retries: 2,
    fallback: /^HTTP 500, after 3 attempts$/,
  },
];
const CLEAN: Scenario = { name: 'clean', steps: [], retries: 0 };

const USERS = 10;
const TURNS = 4;
const SEED = 14;
const PLACES = ['Alabama', 'California', 'Texas', 'Wisconsin', 'Georgia'];
const USES = ['forest', 'cropland'];
const FOLLOW_UPS = [
  'Which states have the most urban expansion?',
  'How much pasture is in California?',
  'Which states lose the most forest?',
  'How much rangeland is in Alabama?',
];

/** A user's questions: the first one is theirs alone, so it names their conversation. */
function question(user: number, turn: number): string {
  if (turn > 0) return FOLLOW_UPS[(user + turn - 1) % FOLLOW_UPS.length]!;
  return `How much ${USES[user % USES.length]!} is in ${PLACES[Math.floor(user / USES.length)]!}?`;
}

function scriptedAnswer(user: number, turn: number): string {
  return `User ${user}, turn ${turn}: Alabama leads urban expansion with 600 acres.`;
}

/**
 * The schedule: every faulty scenario once, more drawn with the seed, the rest clean, shuffled
 * with the seed. Turns past the schedule (the follow-ups after the load) are clean.
 */
function schedule(): Scenario[][] {
  const random = mulberry32(SEED);
  const slots = USERS * TURNS;
  const extra = Math.round(slots * 0.6) - SCENARIOS.length;
  const drawn = Array.from(
    { length: extra },
    () => SCENARIOS[Math.floor(random() * SCENARIOS.length)]!,
  );
  const all = shuffle(
    [
      ...SCENARIOS,
      ...drawn,
      ...Array.from({ length: slots - SCENARIOS.length - extra }, () => CLEAN),
    ],
    random,
  );
  return Array.from({ length: USERS }, (_, u) => all.slice(u * TURNS, (u + 1) * TURNS));
}

/** The metrics label a fault is counted under (modelErrorType, or 'malformed'). */
const REASON: Record<Fault, string> = {
  '500': 'server_error',
  '503': 'server_error',
  '429': 'rate_limited',
  hang: 'timeout',
  reset: 'connection',
  badjson: 'malformed',
  unknown: 'malformed',
  badargs: 'malformed',
};

/**
 * The model server's responder: it finds the conversation (its first question) and the turn
 * (its questions so far), and plays the turn's scenario, one step per request; it counts the
 * faults it served.
 */
function faultyModel(plan: Scenario[][]) {
  const served: Record<string, number> = {};
  const steps = new Map<string, number>();
  const respond = (request: RecordedRequest): Reply => {
    const messages = (request.body.messages ?? []) as { role: string; content: unknown }[];
    const asked = messages.filter((m) => m.role === 'user').map((m) => String(m.content));
    const user = Array.from({ length: USERS }, (_, u) => question(u, 0)).indexOf(asked[0]!);
    const turn = asked.length - 1;
    const key = `${user}:${turn}`;
    const step = steps.get(key) ?? 0;
    steps.set(key, step + 1);
    const scenario = user < 0 ? CLEAN : (plan[user]?.[turn] ?? CLEAN);
    const kind = scenario.steps[step] ?? 'ok';
    if (kind !== 'ok') served[kind] = (served[kind] ?? 0) + 1;
    const retryAfter = { 'retry-after': '1' };
    switch (kind) {
      case '500':
        return { status: 500 };
      case '503':
        return { status: 503, headers: retryAfter };
      case '429':
        return { status: 429, headers: retryAfter };
      case 'hang':
        return { hang: true };
      case 'reset':
        return { reset: true };
      case 'badjson':
        return { tool: 'compare_states', rawArgs: '{metric=urban_expansion}' };
      case 'unknown':
        return { tool: 'compare_countries', args: { metric: 'urban_expansion' } };
      case 'badargs':
        return { tool: 'compare_states', args: { metric: 'urban_sprawl_index', limit: -3 } };
      case 'ok': {
        // A good model: a tool call first (again after an error), the answer from its result.
        const last = messages.at(-1);
        const result = last?.role === 'tool' ? String(last.content) : undefined;
        if (result && !result.startsWith('Error')) return { text: scriptedAnswer(user, turn) };
        return { tool: 'compare_states', args: { metric: 'urban_expansion' } };
      }
    }
  };
  return { served, respond };
}

const opened: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of opened.splice(0).reverse()) await close().catch(() => {});
});

/** A listening server over the hand-made fixture, its model the scripted server at `url`. */
async function startLive(url: string, env: Record<string, string>): Promise<RunningServer> {
  const hand = await openHandMade({ cache: true });
  opened.push(() => hand.cleanup());
  const checkpointer = createCheckpointer({ kind: 'memory' });
  opened.push(() => Promise.resolve(checkpointer.close()));
  const config = loadConfig({
    LANDUSE_DB_PATH: hand.db,
    LANDUSE_PORT: '0',
    LANDUSE_HOST: '127.0.0.1',
    LANDUSE_API_RATE_LIMIT: '0',
    LANDUSE_API_DAILY_QUOTA: '0',
    LANDUSE_PROVIDER: 'openai',
    OPENAI_API_KEY: 'sk-test',
    LANDUSE_BASE_URL: url,
    LANDUSE_AGENT_POOL_SIZE: String(USERS),
    LANDUSE_RATE_LIMIT_CALLS: '100000',
    LANDUSE_RATE_LIMIT_WINDOW: '1',
    // The reply-start deadline a hung reply runs into. Generous: the model server shares this
    // process, and a busy event loop must not turn a prompt reply into a timeout.
    LANDUSE_PROVIDER_CONNECT_TIMEOUT: '2',
    // Every turn of a thread stays in its history (none folded into a summary).
    LANDUSE_MAX_HISTORY_LENGTH: '200',
    ...env,
  });
  const running = await startServer(config, { logger: false, checkpointer, service: hand.service });
  opened.push(() => running.close());
  return running;
}

const metricsOf = async (base: string) =>
  parseExposition(await (await fetch(`${base}/metrics`)).text());

describe('LLM provider faults under load', () => {
  const plan = schedule();
  const model = faultyModel(plan);
  let server: ScriptedServer;
  let base: string;
  const turns: Turn[][] = [];
  let cookies: string[] = [];

  beforeAll(async () => {
    server = await startOpenAIServer(model.respond);
    opened.push(() => server.close());
    // A high breaker threshold: this run is about retries; the outage case has its own.
    base = (await startLive(server.url, { LANDUSE_CIRCUIT_FAILURES: '1000' })).url;
    cookies = await Promise.all(Array.from({ length: USERS }, () => visitor(base)));
    const started = performance.now();
    await Promise.all(
      Array.from({ length: USERS }, async (_, user) => {
        const mine: Turn[] = (turns[user] = []);
        for (let turn = 0; turn < TURNS; turn++) {
          mine.push(
            await askTurn(base, cookies[user]!, {
              question: question(user, turn),
              threadId: mine[0]?.body.threadId,
              // Odd users stream their odd turns.
              stream: user % 2 === 1 && turn % 2 === 1,
            }),
          );
        }
      }),
    );
    console.log(
      `${USERS * TURNS} turns in ${((performance.now() - started) / 1000).toFixed(1)} s; faults served: ${JSON.stringify(model.served)}; ${server.requests.length} model requests`,
    );
  }, 60_000);

  it('answers every request with 200 and an answer', () => {
    const all = turns.flat();
    expect(all).toHaveLength(USERS * TURNS);
    for (const t of all) {
      expect(t.status, t.error).toBe(200);
      expect(t.body.answer.length).toBeGreaterThan(0);
      expect(t.body.provider).toBe('openai');
      // A streaming client sees the answer it is finally given, once.
      if (t.tokens) expect(t.tokens).toBe(t.body.answer);
    }
    expect(turns.flat().filter((t) => t.tokens !== undefined).length).toBe(USERS);
  });

  it('answers a turn from the model after retries, or from the offline planner saying why', () => {
    for (let user = 0; user < USERS; user++) {
      for (let turn = 0; turn < TURNS; turn++) {
        const scenario = plan[user]![turn]!;
        const { body } = turns[user]![turn]!;
        const where = `user ${user} turn ${turn} (${scenario.name})`;
        expect(body.metrics.retries, where).toBe(scenario.retries);
        if (!scenario.fallback) {
          expect(body.answer, where).toBe(scriptedAnswer(user, turn));
          expect(body.metrics.fallbacks, where).toBe(0);
          expect(body.toolCalls.map((c) => c.name)).toEqual(['compare_states']);
          continue;
        }
        expect(body.metrics.fallbacks, where).toBe(1);
        const [first, why, blank] = body.answer.split('\n');
        expect(first, where).toBe(fallbackNote('openai'));
        expect(why?.replace(/^Reason: (.*)\.$/, '$1'), where).toMatch(scenario.fallback);
        expect(blank).toBe('');
        // The planner answered the question itself (with a query), or from the model's query.
        expect(body.toolCalls.length, where).toBeGreaterThan(0);
      }
    }
  });

  it('counts retries and fallbacks that agree with the faults the model server served', async () => {
    const served = model.served;
    const faults = Object.values(served).reduce((a, b) => a + b, 0);
    // The schedule's rate: 60 % of the turns have faults; each fault kind was served.
    expect(Object.keys(served).sort()).toEqual(Object.keys(REASON).sort());
    const answers = turns.flat().map((t) => t.body.metrics);
    const retries = answers.reduce((sum, m) => sum + m.retries, 0);
    const fallbacks = answers.reduce((sum, m) => sum + m.fallbacks, 0);
    // Every fault served was retried once or, past the budget, handed to the planner.
    expect(retries + fallbacks).toBe(faults);
    const samples = await metricsOf(base);
    const provider = { provider: 'openai' };
    expect(total(samples, 'landuse_model_retries_total', provider)).toBe(retries);
    expect(total(samples, 'landuse_model_fallbacks_total', provider)).toBe(fallbacks);
    for (const reason of new Set(Object.values(REASON))) {
      const expected = Object.entries(served)
        .filter(([kind]) => REASON[kind as Fault] === reason)
        .reduce((sum, [, n]) => sum + n, 0);
      const counted =
        total(samples, 'landuse_model_retries_total', { ...provider, reason }) +
        total(samples, 'landuse_model_fallbacks_total', { ...provider, reason });
      expect(counted, reason).toBe(expected);
    }
    expect(total(samples, 'landuse_model_fallbacks_total', { reason: 'circuit_open' })).toBe(0);
  });

  it('keeps each thread whole and in order, and takes a follow-up on every thread', async () => {
    const followUps = await Promise.all(
      turns.map((mine, user) =>
        askTurn(base, cookies[user]!, {
          question: question(user, TURNS),
          threadId: mine[0]!.body.threadId,
          stream: user % 2 === 0,
        }),
      ),
    );
    for (let user = 0; user < USERS; user++) {
      const after = followUps[user]!;
      expect(after.status, after.error).toBe(200);
      expect(after.body.answer).toBe(scriptedAnswer(user, TURNS));
      expect(after.body.metrics.retries).toBe(0);
      const mine = [...turns[user]!, after];
      expect(new Set(mine.map((t) => t.body.threadId)).size).toBe(1);
      const view = await threadView(base, cookies[user]!, mine[0]!.body.threadId);
      const questions = view.messages.filter((m) => m.role === 'user').map((m) => m.content);
      const answers = view.messages
        .filter((m) => m.role === 'assistant' && !m.toolCalls?.length)
        .map((m) => m.content);
      expect(questions).toEqual(mine.map((_, turn) => question(user, turn)));
      expect(answers).toEqual(mine.map((t) => t.body.answer));
      // Another visitor does not see it.
      const stranger = await fetch(`${base}/api/threads/${mine[0]!.body.threadId}`);
      expect(stranger.status).toBe(404);
    }
  }, 30_000);
});

describe('an LLM provider down for the whole run (connection refused)', () => {
  it('opens its circuit; the offline planner answers every question quickly, saying why', async () => {
    const gone = await startOpenAIServer([]);
    await gone.close();
    const base = (
      await startLive(gone.url, { LANDUSE_CIRCUIT_FAILURES: '3', LANDUSE_CIRCUIT_COOLDOWN: '120' })
    ).url;
    const users = await Promise.all(Array.from({ length: USERS }, () => visitor(base)));
    const runs = await Promise.all(
      users.map(async (cookie, user) => {
        const mine: Turn[] = [];
        for (let turn = 0; turn < 3; turn++) {
          mine.push(
            await askTurn(base, cookie, {
              question: question(user, turn),
              threadId: mine[0]?.body.threadId,
              stream: turn === 1,
            }),
          );
        }
        return mine;
      }),
    );
    const all = runs.flat();
    for (const t of all) {
      expect(t.status, t.error).toBe(200);
      const [first, why] = t.body.answer.split('\n');
      expect(first).toBe(fallbackNote('openai'));
      expect(why).toMatch(
        /^Reason: (connection failed, after \d attempts?|it failed repeatedly, so calls to it are paused for about \d+ s)\.$/,
      );
      expect(t.body.metrics.fallbacks).toBe(1);
      expect(t.body.toolCalls.length).toBeGreaterThan(0);
    }
    // Once open, the circuit answers for the provider: most questions never tried it.
    const paused = all.filter((t) => t.body.answer.includes('paused for about')).length;
    expect(paused).toBeGreaterThanOrEqual(all.length - USERS);
    const ms = all.map((t) => t.ms).sort((a, b) => a - b);
    expect(ms[Math.floor(ms.length / 2)]).toBeLessThan(2000);
    const samples = await metricsOf(base);
    expect(total(samples, 'landuse_model_fallbacks_total', { reason: 'circuit_open' })).toBe(
      paused,
    );
    const health = (await (await fetch(`${base}/health`)).json()) as {
      checks: { provider: { circuits: Record<string, { state: string }> } };
    };
    expect(health.checks.provider.circuits.openai?.state).toBe('open');
    // The conversations are whole.
    for (const [user, mine] of runs.entries()) {
      const view = await threadView(base, users[user]!, mine[0]!.body.threadId);
      expect(view.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(
        mine.map((_, turn) => question(user, turn)),
      );
      expect(
        view.messages
          .filter((m) => m.role === 'assistant' && !m.toolCalls?.length)
          .map((m) => m.content),
      ).toEqual(mine.map((t) => t.body.answer));
    }
  }, 30_000);
});
