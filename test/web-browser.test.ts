/**
 * The web app in a real browser: Debian's chromium driven by playwright-core, against a real
 * server (startServer on 127.0.0.1, a free port) over a small demo database. Each page is used as
 * a person would, checked by axe-core (no serious or critical violations), and photographed at
 * 1280 and 390 px into test/screenshots/ (not committed: look at them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.ts';
import { writeDemoRawFile } from '../src/data/demo/publish.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { startServer, type RunningServer } from '../src/server/index.ts';
import { quietEffects, tempDir } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..');
const SHOTS = join(import.meta.dirname, 'screenshots');
const QUESTION = 'Which states have the most urban expansion?';
const AXE_SOURCE = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

let server: RunningServer;
let browser: Browser;
let desktop: BrowserContext;
let phone: BrowserContext;
let cleanup: () => Promise<void>;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core in the page: the serious and critical violations, described. */
async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  // Strings: the test's TypeScript has no DOM types; these run in the page.
  const violations = await page.evaluate<AxeViolation[]>(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)",
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

async function shoot(page: Page, name: string) {
  // Scrolled to the end, sticky parts (the question box) rest where they belong: a full-page
  // capture draws them where the viewport has them, over whatever is there.
  // A focused text field is scrolled back into view when the capture resizes the viewport.
  await page.evaluate(
    'document.activeElement?.blur(); window.scrollTo(0, document.documentElement.scrollHeight)',
  );
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * How far the page is wider than `width`. Not innerWidth: on a phone, the visual viewport zooms
 * out to show what overflows, and innerWidth grows with it.
 */
function overflowPast(page: Page, width: number): Promise<number> {
  return page.evaluate<number>(`document.documentElement.scrollWidth - ${width}`);
}

/** The page at both widths: axe at each, and a screenshot of each. */
async function checkBothWidths(path: string, name: string, ready: (p: Page) => Promise<void>) {
  for (const [ctx, width] of [
    [desktop, 1280],
    [phone, 390],
  ] as const) {
    const page = await ctx.newPage();
    try {
      await page.goto(server.url + path);
      await ready(page);
      expect(await axe(page), `${name} at ${width} px`).toEqual([]);
      const overflow = await overflowPast(page, width);
      expect(overflow, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(1);
      await shoot(page, `${name}-${width}`);
    } finally {
      await page.close();
    }
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  }
  // The built app (a no-op when web/dist is newer than its sources).
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'web', 'ensure-built.ts')],
    {
      stdio: 'ignore',
    },
  );
  await mkdir(SHOTS, { recursive: true });
  const t = await tempDir();
  const raw = join(t.dir, 'demo.json');
  const db = join(t.dir, 'demo.duckdb');
  await writeDemoRawFile(raw, { counties: 300 });
  await runLoad({ input: raw, db }, quietEffects);
  server = await startServer(
    loadConfig({
      LANDUSE_DB_PATH: db,
      LANDUSE_THREADS_DB_PATH: join(t.dir, 'threads.sqlite'),
      LANDUSE_HOST: '127.0.0.1',
      LANDUSE_PORT: '0',
    }),
    { logger: false },
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  desktop = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  cleanup = async () => {
    await browser?.close();
    await server?.close();
    await t.cleanup();
  };
}, 180_000);

afterAll(async () => {
  await cleanup?.();
});

describe('the web app in chromium', () => {
  it('chat: streams an answer with its tool card, table and chart; a follow-up stays on the thread; a reload keeps it', async () => {
    const page = await desktop.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url + '/');
    await expect.poll(() => page.getByRole('note').textContent()).toContain('DEMO DATA');
    // `/` focuses the question box.
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.id')).toBe('question');
    await page.keyboard.type(QUESTION);
    await page.keyboard.press('Enter');

    const first = page.locator('article.turn').first();
    await first.locator('.turn-actions').waitFor({ timeout: 30_000 });
    await expect
      .poll(() => first.locator('.tool-card summary').first().textContent())
      .toContain('compare_states');
    // Opened, the tool card shows the SQL the tool ran.
    const card = first.locator('.tool-card').first();
    await card.locator('summary').click();
    expect(await card.locator('pre.tool-sql').textContent()).toMatch(/^\s*(SELECT|WITH)\b/i);
    expect(await card.getByRole('button', { name: 'Copy SQL' }).count()).toBe(1);
    expect(await first.locator('.answer-text').textContent()).toMatch(/acres/);
    const table = first.getByRole('region', { name: /^Table: States by urban expansion/ });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(3);
    await first.locator('.plot svg').first().waitFor();
    expect(await first.locator('.plot svg rect').count()).toBeGreaterThan(3);
    // The same table as a state map, through the chart switch.
    await first.getByLabel(/^Chart for States by urban expansion/).selectOption('map');
    await first.locator('.map-frame svg .areas path').first().waitFor({ timeout: 30_000 });
    expect(await first.locator('.map-frame svg .areas path').count()).toBeGreaterThanOrEqual(49);
    // The ten states of the table are coloured, the rest are left grey.
    expect(
      await first.locator('.map-frame svg .areas path:not([fill="var(--no-data)"])').count(),
    ).toBe(10);
    await first.getByLabel(/^Chart for States by urban expansion/).selectOption('bar');
    const thread = new URL(page.url()).searchParams.get('thread');
    expect(thread).toMatch(/^[0-9a-f-]{36}$/);

    // Sorting by a column, then the CSV of what is shown.
    const valueHeader = table.locator('th', { hasText: 'value' });
    await valueHeader.getByRole('button').click();
    expect(await valueHeader.getAttribute('aria-sort')).toBe('descending');
    await valueHeader.getByRole('button').click();
    expect(await valueHeader.getAttribute('aria-sort')).toBe('ascending');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      first.getByRole('button', { name: /Download CSV: States by urban expansion/ }).click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('rank,state,state_name,value');

    // A follow-up chip asks on the same thread.
    const chips = first.getByRole('group', { name: 'Follow-up questions' }).getByRole('button');
    expect(await chips.count()).toBeGreaterThan(0);
    const followUp = (await chips.first().textContent())!;
    await chips.first().click();
    const second = page.locator('article.turn').nth(1);
    await second.locator('.turn-actions').waitFor({ timeout: 30_000 });
    expect(await second.locator('.question').textContent()).toContain(followUp);
    expect(new URL(page.url()).searchParams.get('thread')).toBe(thread);
    expect(
      await page.getByRole('complementary', { name: 'Conversations' }).textContent(),
    ).toContain(QUESTION);
    await shoot(page, 'chat-answer-1280');
    expect(await axe(page)).toEqual([]);

    // Thumbs down with a comment is stored on the server, listed for operators.
    await second.getByRole('button', { name: 'Bad answer' }).click();
    await second.getByLabel('Comment (optional)').fill('needs the 2050 figure');
    await second.getByRole('button', { name: 'Send' }).click();
    await second.getByText('Thanks for the feedback.').waitFor();
    const listed = (await (await fetch(`${server.url}/api/feedback`)).json()) as {
      feedback: { rating: string; comment: string | null; threadId: string | null }[];
    };
    expect(listed.feedback[0]).toMatchObject({
      rating: 'down',
      comment: 'needs the 2050 figure',
      threadId: thread,
    });

    // A reload shows the same conversation, tables included.
    await page.reload();
    await page.locator('article.turn').nth(1).waitFor();
    expect(await page.locator('article.turn').count()).toBe(2);
    expect(await page.locator('article.turn').first().locator('.question').textContent()).toContain(
      QUESTION,
    );
    await page.getByRole('region', { name: /^Table: States by urban expansion/ }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('chat: a busy server (503 + Retry-After) is shown as a countdown, then the question goes through', async () => {
    const page = await desktop.newPage();
    let refused = 0;
    await page.route('**/api/chat', async (route) => {
      if (refused++ === 0) {
        await route.fulfill({
          status: 503,
          headers: { 'retry-after': '2', 'content-type': 'application/json' },
          body: JSON.stringify({ error: { code: 'busy:agents', message: 'All agents are busy.' } }),
        });
      } else await route.continue();
    });
    await page.goto(server.url + '/');
    await page.getByLabel('Your question').fill('How much forest is there in Georgia in 2050?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toMatch(/busy: retrying in \d s/);
    await page.locator('article.turn .turn-actions').waitFor({ timeout: 30_000 });
    expect(refused).toBe(2);
    await page.close();
  }, 60_000);

  it('chat: a question about the assessment itself is answered from the documents, with its sources as links to the section', async () => {
    const page = await desktop.newPage();
    try {
      await page.goto(server.url + '/');
      await page
        .getByLabel('Your question')
        .fill('What does the High-High scenario assume about population and income?');
      await page.getByRole('button', { name: 'Ask', exact: true }).click();
      const turn = page.locator('article.turn').first();
      await turn.locator('.turn-actions').waitFor({ timeout: 30_000 });
      const sources = turn.getByRole('navigation', { name: 'Sources' }).getByRole('link');
      expect(await sources.count()).toBeGreaterThan(0);
      const href = await sources.first().getAttribute('href');
      expect(href).toMatch(/^\/knowledge\/[a-z-]+#[a-z0-9-]+$/);
      expect(await axe(page)).toEqual([]);
      await shoot(page, 'chat-sources-1280');
      // The link opens the document at its section, served by the same server.
      const [doc] = await Promise.all([page.waitForEvent('popup'), sources.first().click()]);
      await doc.waitForLoadState();
      const id = href!.split('#')[1]!;
      expect(await doc.locator(`[id="${id}"]`).count()).toBe(1);
      expect(await axe(doc)).toEqual([]);
      await shoot(doc, 'knowledge-document-1280');
      await doc.close();
      // The same on a phone, for the screenshots.
      const small = await phone.newPage();
      try {
        await small.goto(server.url + '/');
        await small
          .getByLabel('Your question')
          .fill('What does the High-High scenario assume about population and income?');
        await small.getByRole('button', { name: 'Ask', exact: true }).click();
        await small.locator('article.turn .turn-actions').first().waitFor({ timeout: 30_000 });
        await shoot(small, 'chat-sources-390');
        await small.goto(server.url + href!);
        await shoot(small, 'knowledge-document-390');
      } finally {
        await small.close();
      }
    } finally {
      await page.close();
    }
  }, 90_000);

  it('chat on a phone: the answer, its tool card and SQL fit, and the question box hides none of it', async () => {
    const page = await phone.newPage();
    try {
      await page.goto(server.url + '/');
      await page.getByLabel('Your question').fill(QUESTION);
      await page.getByRole('button', { name: 'Ask', exact: true }).click();
      const turn = page.locator('article.turn').first();
      await turn.locator('.turn-actions').waitFor({ timeout: 30_000 });
      await turn.locator('.plot svg').first().waitFor();
      await turn.locator('.tool-card summary').first().click();
      await turn.locator('pre.tool-sql').waitFor();
      // A button reached by the keyboard is scrolled above the sticky question box, not behind it.
      const chip = turn.getByRole('group', { name: 'Follow-up questions' }).getByRole('button');
      await chip.last().focus();
      const covered = await page.evaluate<number>(
        "document.activeElement.getBoundingClientRect().bottom - document.querySelector('.composer').getBoundingClientRect().top",
      );
      expect(covered).toBeLessThanOrEqual(0);
      const overflow = await overflowPast(page, 390);
      expect(overflow, 'chat answer at 390 px scrolls sideways').toBeLessThanOrEqual(1);
      expect(await axe(page)).toEqual([]);
      await shoot(page, 'chat-answer-390');
    } finally {
      await page.close();
    }
  }, 60_000);

  it('chat at both widths passes axe', async () => {
    await checkBothWidths('/', 'chat', async (p) => {
      await p.getByLabel('Your question').waitFor();
      await p.getByRole('note').waitFor();
    });
  }, 60_000);
  it('analytics: key figures, charts, a county map of 3,000+ shapes with a tooltip, county detail, twin maps with one legend', async () => {
    const page = await desktop.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url + '/analytics');
    const kpis = page.getByRole('region', { name: 'Key figures' });
    await kpis.locator('.kpi').first().waitFor();
    expect(await kpis.textContent()).toMatch(/Urban expansion 2020-2070.*acres/);
    const map = page.locator('.map-frame svg').first();
    await map.waitFor({ timeout: 30_000 });
    expect(await map.locator('.areas path').count()).toBeGreaterThanOrEqual(3000);
    // Coloured counties (the demo subset) differ from the no-data grey.
    const coloured = await map.locator('.areas path:not([fill="var(--no-data)"])').count();
    expect(coloured).toBeGreaterThan(100);
    // Hovering Los Angeles County names it.
    await map.locator('path[data-id="06037"]').hover({ force: true });
    await expect.poll(() => page.getByRole('tooltip').textContent()).toContain('Los Angeles, CA');
    await page.locator('.plot svg').nth(1).waitFor();
    await shoot(page, 'analytics-1280');

    // A click on a coloured county opens its own charts, and the URL says so.
    const some = map.locator('.areas path:not([fill="var(--no-data)"])').nth(10);
    const fips = await some.getAttribute('data-id');
    await some.click({ force: true });
    await expect.poll(() => new URL(page.url()).searchParams.get('county')).toBe(fips);
    await page.getByRole('heading', { name: new RegExp(`FIPS ${fips}`) }).waitFor();
    await page
      .locator('#county-detail ~ .plot svg, section[aria-labelledby="county-detail"] .plot svg')
      .first()
      .waitFor();

    // Twin maps: two scenarios, one legend.
    await page.getByLabel('Compare with').selectOption('HH');
    await expect.poll(() => page.locator('.twin-maps .map-frame svg').count()).toBe(2);
    expect(await page.locator('.legend').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('compare')).toBe('HH');
    expect(await page.locator('.twin-maps figcaption').allTextContents()).toEqual([
      'OVERALL',
      'HH',
    ]);
    // The transitions as a Sankey instead of the matrix: ribbons into urban, kept in the URL.
    await page.getByRole('combobox', { name: /^View/ }).selectOption('sankey');
    await page.locator('svg.sankey').waitFor();
    expect(await page.locator('svg.sankey path.ribbon').count()).toBeGreaterThan(3);
    expect(await page.locator('svg.sankey path.ribbon:not(.faded)').count()).toBeGreaterThan(0);
    expect(new URL(page.url()).searchParams.get('flows')).toBe('sankey');
    await shoot(page, 'analytics-twin-1280');
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('analytics at both widths passes axe', async () => {
    await checkBothWidths('/analytics?metric=forest_change_pct', 'analytics', async (p) => {
      await p.locator('.map-frame svg').waitFor({ timeout: 30_000 });
      await p.locator('.plot svg').first().waitFor();
    });
  }, 90_000);
  it('explorer: refuses DROP TABLE with the reason, runs a SELECT with Ctrl+Enter, keeps the query in the URL', async () => {
    const page = await desktop.newPage();
    await page.goto(server.url + '/explorer');
    const editor = page.getByRole('textbox', { name: 'SQL query' });
    await editor.waitFor({ timeout: 30_000 });
    expect(await page.getByRole('complementary').textContent()).toContain('dim_geography');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('DROP TABLE dim_geography');
    await page.keyboard.press('Control+Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Refused \(sql:[a-z_]+\): DROP .*read-only/);
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('SELECT rpa_code, scenario_name FROM dim_scenario ORDER BY rpa_code');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Enter');
    const result = page.getByRole('region', { name: 'Table: Query result' });
    await result.waitFor();
    expect(await result.locator('tbody tr').count()).toBe(5);
    expect(await result.locator('thead').textContent()).toContain('rpa code');
    expect(new URL(page.url()).searchParams.get('sql')).toContain('FROM dim_scenario');
    await shoot(page, 'explorer-result-1280');
    expect(await axe(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('export: downloads a CSV whose header is the API file header', async () => {
    const query = 'scenarios=OVERALL&periods=2020-2030&level=state';
    const api = await fetch(
      `${server.url}/api/export?format=csv&scenarios=OVERALL&year_range=2020-2030&level=state`,
    );
    const expected = (await api.text()).split(/\r?\n/)[0];
    const page = await desktop.newPage();
    await page.goto(`${server.url}/export?${query}`);
    expect(await page.getByRole('checkbox', { name: 'OVERALL' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: /one row per state/ }).isChecked()).toBe(true);
    await expect
      .poll(() => page.locator('p.count').textContent())
      .toMatch(/rows with these filters/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/DEMO-DATA\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.split(/\r?\n/)[0]).toBe(expected);
    // The count shown before the download is the file's row count.
    const counted = (await page.locator('p.count').textContent()) ?? '';
    expect(counted).toMatch(/^[\d,]+ rows with these filters/);
    expect(Number(counted.split(' ')[0]!.replace(/,/g, ''))).toBe(
      csv.split(/\r?\n/).filter(Boolean).length - 1,
    );
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/Downloaded .*rows/);
    await page.close();
  }, 60_000);

  it('performance: figures that change after a few questions, refreshed on their own', async () => {
    const page = await desktop.newPage();
    await page.goto(server.url + '/performance');
    const figure = page.locator('[data-figure="Requests in window"]');
    await figure.waitFor();
    await expect.poll(() => figure.textContent(), { timeout: 20_000 }).toMatch(/^\d/);
    const before = await figure.textContent();
    for (const question of [
      'How much forest is in Ohio in 2050?',
      QUESTION,
      'Where does new urban land come from?',
    ]) {
      const res = await fetch(`${server.url}/api/ask`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question }),
      });
      expect(res.status).toBe(200);
    }
    await expect
      .poll(() => figure.textContent(), { timeout: 30_000, interval: 1000 })
      .not.toBe(before);
    await page.locator('.plot svg').first().waitFor({ timeout: 30_000 });
    await page.close();
  }, 60_000);

  it('explorer, export, performance and about at both widths pass axe', async () => {
    await checkBothWidths('/explorer', 'explorer', async (p) => {
      await p.getByRole('textbox', { name: 'SQL query' }).waitFor({ timeout: 30_000 });
    });
    await checkBothWidths('/export', 'export', async (p) => {
      await p.getByRole('button', { name: 'Download' }).waitFor();
    });
    await checkBothWidths('/performance', 'performance', async (p) => {
      await p.locator('[data-figure="p95 response"]').waitFor();
      await p.getByRole('heading', { name: 'Alerts' }).waitFor();
    });
    await checkBothWidths('/about', 'about', async (p) => {
      await p.getByRole('link', { name: /10\.2737\/RDS-2023-0026/ }).waitFor();
      await p.getByText('Dataset: demo').waitFor();
      // The knowledge documents the answers quote are listed, each linking to its page.
      const doc = p.getByRole('link', { name: 'The four RPA scenarios and the ensemble mean' });
      await doc.waitFor();
      expect(await doc.getAttribute('href')).toBe('/knowledge/scenarios');
    });
  }, 120_000);
  it('dark theme (following the system): chat and analytics pass axe', async () => {
    const dark = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      colorScheme: 'dark',
    });
    try {
      const page = await dark.newPage();
      await page.goto(server.url + '/');
      await page.getByLabel('Your question').fill(QUESTION);
      await page.keyboard.press('Enter');
      await page.locator('article.turn .turn-actions').waitFor({ timeout: 30_000 });
      await page.locator('.plot svg').first().waitFor();
      expect(await axe(page)).toEqual([]);
      await shoot(page, 'chat-dark-1280');
      await page.goto(server.url + '/analytics?flows=sankey');
      await page.locator('.map-frame svg').waitFor({ timeout: 30_000 });
      await page.locator('.plot svg').first().waitFor();
      await page.locator('svg.sankey').waitFor();
      expect(await axe(page)).toEqual([]);
      await shoot(page, 'analytics-dark-1280');
    } finally {
      await dark.close();
    }
  }, 90_000);
});
