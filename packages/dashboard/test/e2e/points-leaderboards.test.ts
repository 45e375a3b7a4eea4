/**
 * Points and leaderboards configured through the dashboard, in a real browser against a real
 * `laurel start`: a points system with a metric trigger, two levels and a boost, and a weekly
 * leaderboard broken down by a user attribute, each checked afterwards through the Admin API.
 * On the way, every form names what is missing and focuses it, and a rule only the server knows
 * (points of 0, a multiplier of 1, an active board that starts in the future) comes back as the
 * server's message under the field it names, with nothing written. Then lessons sent through the
 * API show up in the board's rankings per city and per run, and on the users' pages with their
 * points, level, awards and ranks, each as the Application API reports them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchBrowser, screenshot } from './support/browser.js';
import { assertFirstError } from './support/forms.js';
import { assertNoSidewaysScroll, assertNothingCut } from './support/layout.js';
import { startLaurel, type LaurelProcess } from './support/laurel-process.js';
import { createOwner, type OwnerSession } from './support/seed.js';

if (browserSkipReason) console.log(browserSkipReason);

let laurel: LaurelProcess;
let browser: Browser;
let page: Page;
let session: OwnerSession;
const ids: Record<'lessons' | 'city', string> = { lessons: '', city: '' };

/** A local date `days` from today (UTC), as a date field takes it. */
const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

before(async () => {
  if (browserSkipReason) return;
  laurel = await startLaurel();
  session = await createOwner(laurel.url);
  const { created: metrics } = await session.call('POST', '/admin/v1/metrics', [{ name: 'Lessons completed', key: 'lessons', units: 'lessons' }]);
  const { created: attributes } = await session.call('POST', '/admin/v1/attributes', [{ name: 'City', key: 'city', type: 'user' }]);
  ids.lessons = metrics[0].id;
  ids.city = attributes[0].id;
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await session.signIn(context);
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await laurel?.stop();
});

test('dashboard: a points system and a weekly leaderboard, made in the browser', { skip: browserSkipReason, timeout: 180_000 }, async (t) => {
  let systemId = '';

  await t.test('a points system: the name is required; once created, its page opens', async () => {
    await page.goto(`${laurel.url}/env/development/points`);
    await page.getByText('No points systems yet').waitFor();
    await page.getByRole('button', { name: 'Create points system' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create points system' }).click();
    await assertFirstError(dialog, 'Name', 'Name is required.');
    await dialog.getByLabel('Name').fill('XP');
    assert.equal(await dialog.getByLabel('Key').inputValue(), 'xp', 'the key follows the name');
    await dialog.getByLabel('Description').fill('Experience points');
    await dialog.getByRole('button', { name: 'Create points system' }).click();
    await page.waitForURL(/\/env\/development\/points\/[^/]+$/);
    systemId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: 'XP', level: 1 }).waitFor();
    const systems = await session.call('GET', '/admin/v1/points');
    assert.deepEqual(
      systems.map((s: any) => ({ id: s.id, key: s.key, name: s.name, description: s.description, maxPoints: s.maxPoints })),
      [{ id: systemId, key: 'xp', name: 'XP', description: 'Experience points', maxPoints: null }],
    );
  });

  await t.test("a metric trigger: what is missing is named; the server's refusal of 0 points sits under Points", async () => {
    await page.getByRole('button', { name: 'Add trigger' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Add trigger' }).click();
    await assertFirstError(dialog, 'Points', 'Points is required.');
    assert.match(await dialog.innerText(), /Metric is required: choose the metric to count\.[\s\S]*Amount is required\./);
    await dialog.getByLabel('Points', { exact: true }).fill('0');
    await dialog.getByLabel('Metric', { exact: true }).selectOption(ids.lessons);
    await dialog.getByLabel('Amount').fill('3');
    await dialog.getByLabel('Status').selectOption('active');
    await dialog.getByTestId('trigger-counts-from-now').waitFor();
    await dialog.getByRole('button', { name: 'Add trigger' }).click();
    await assertFirstError(dialog, 'Points', /^must not be 0: positive points award, negative points deduct$/);
    assert.deepEqual(await session.call('GET', `/admin/v1/points/${systemId}/triggers`), [], 'a refused request writes nothing');
    await dialog.getByLabel('Points', { exact: true }).fill('10');
    await dialog.getByRole('button', { name: 'Add trigger' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('trigger-row').filter({ hasText: 'for every 3 lessons of Lessons completed' }).waitFor();

    const triggers = await session.call('GET', `/admin/v1/points/${systemId}/triggers`);
    assert.equal(triggers.length, 1);
    const { id, ...trigger } = triggers[0];
    assert.ok(id);
    assert.deepEqual(trigger, {
      type: 'metric',
      points: 10,
      status: 'active',
      userAttributes: [],
      metricId: ids.lessons,
      metricThreshold: 3,
      eventAttributes: [],
      blockIfOutOfPoints: false,
    });
  });

  await t.test('two levels: a key already used in the system is said under Key', async () => {
    for (const [name, points] of [['Bronze', '0'], ['Silver', '500']] as const) {
      await page.getByRole('button', { name: 'Add level' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill(name);
      await dialog.getByLabel('Points', { exact: true }).fill(points);
      await dialog.getByRole('button', { name: 'Add level' }).click();
      await dialog.waitFor({ state: 'hidden' });
    }
    await page.getByRole('button', { name: 'Add level' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Silver');
    await dialog.getByLabel('Points', { exact: true }).fill('600');
    await dialog.getByRole('button', { name: 'Add level' }).click();
    await assertFirstError(dialog, 'Key', 'Key already in use by another level');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('level-row').nth(1).waitFor();

    const levels = await session.call('GET', `/admin/v1/points/${systemId}/levels`);
    assert.deepEqual(
      levels.map((level: any) => ({ key: level.key, name: level.name, points: level.points })),
      [
        { key: 'bronze', name: 'Bronze', points: 0 },
        { key: 'silver', name: 'Silver', points: 500 },
      ],
    );
  });

  await t.test("a boost for everyone: the server's refusal of a multiplier of 1 sits under Multiplier", async () => {
    await page.getByRole('button', { name: 'Add boost' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Add boost' }).click();
    await assertFirstError(dialog, 'Name', 'Name is required.');
    assert.match(await dialog.innerText(), /Start date is required\.[\s\S]*Multiplier is required\./);
    await dialog.getByLabel('Name').fill('Double XP weekend');
    await dialog.getByLabel('Start date').fill(day(1));
    await dialog.getByLabel('End date').fill(day(2));
    await dialog.getByLabel('Multiplier').fill('1');
    await dialog.getByRole('button', { name: 'Add boost' }).click();
    await assertFirstError(dialog, 'Multiplier', /^must not be 1: a multiplier of 1 changes nothing$/);
    await dialog.getByLabel('Multiplier').fill('2');
    await dialog.getByRole('button', { name: 'Add boost' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('boost-row').filter({ hasText: '×2, rounded down' }).waitFor();
    await screenshot(page, 'points-system-made-in-the-browser');

    const boosts = await session.call('GET', `/admin/v1/points/${systemId}/boosts`);
    assert.equal(boosts.length, 1);
    const { id, status, ...boost } = boosts[0];
    assert.ok(id);
    assert.ok(['scheduled', 'active'].includes(status), status);
    assert.deepEqual(boost, { name: 'Double XP weekend', start: day(1), end: day(2), multiplier: 2, rounding: 'down', userId: null, userAttributes: [] });
  });

  await t.test("a weekly leaderboard per city: active with a start to come is refused, in the server's words, under Status", async () => {
    await page.goto(`${laurel.url}/env/development/leaderboards`);
    await page.getByText('No leaderboards yet').waitFor();
    await page.getByRole('button', { name: 'Create leaderboard' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Start date').fill('');
    await dialog.getByRole('button', { name: 'Create leaderboard' }).click();
    await assertFirstError(dialog, 'Name', 'Name is required.');
    assert.match(await dialog.innerText(), /Metric is required: choose the metric to rank by\.[\s\S]*Start date is required\./);

    await dialog.getByLabel('Name').fill('Weekly lessons');
    await dialog.getByLabel('Metric', { exact: true }).selectOption(ids.lessons);
    await dialog.getByLabel('Start date').fill(day(3));
    await dialog.getByLabel('Runs').selectOption('weekly');
    await dialog.getByRole('checkbox', { name: /City/ }).check();
    await dialog.getByLabel('Status').selectOption('active');
    await dialog.getByLabel('Maximum participants').fill('100');
    await dialog.getByRole('button', { name: 'Create leaderboard' }).click();
    await assertFirstError(dialog, 'Status', /^the start date is in the future: such a leaderboard can be scheduled, not active$/);
    assert.deepEqual(await session.call('GET', '/admin/v1/leaderboards'), [], 'a refused request writes nothing');

    await dialog.getByLabel('Start date').fill(day(0));
    await dialog.getByRole('button', { name: 'Create leaderboard' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('leaderboard-row').filter({ hasText: 'Weekly runs' }).waitFor();
    await screenshot(page, 'leaderboards-made-in-the-browser');

    const boards = await session.call('GET', '/admin/v1/leaderboards');
    assert.equal(boards.length, 1);
    const { id, ...board } = boards[0];
    assert.ok(id);
    assert.deepEqual(board, {
      name: 'Weekly lessons',
      key: 'weekly-lessons',
      status: 'active',
      rankBy: 'metric',
      metricId: ids.lessons,
      maxParticipants: 100,
      start: day(0),
      breakdownAttributes: [ids.city],
      runUnit: 'day',
      runInterval: 7,
    });
  });

  await t.test('a live leaderboard keeps what it ranks: those fields are locked, and a rename sends only the name', async () => {
    await page.getByRole('button', { name: 'Edit Weekly lessons' }).click();
    const dialog = page.getByRole('dialog');
    assert.equal(await dialog.getByLabel('Rank by').isDisabled(), true);
    assert.equal(await dialog.getByLabel('Runs').isDisabled(), true);
    assert.equal(await dialog.getByRole('checkbox', { name: /City/ }).isDisabled(), true);
    await dialog.getByLabel('Name').fill('Weekly lessons per city');
    const sent = page.waitForRequest((request) => request.method() === 'PATCH' && request.url().endsWith('/admin/v1/leaderboards'));
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    assert.deepEqual((await sent).postDataJSON(), [{ id: (await session.call('GET', '/admin/v1/leaderboards'))[0].id, name: 'Weekly lessons per city' }]);
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Weekly lessons per city').waitFor();
  });

  /** Rank, name and score of each row of the rankings table. */
  const rankingRows = () =>
    page.getByTestId('ranking-row').evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll('td')).map((cell) => cell.querySelector('a')?.textContent ?? cell.textContent)));

  await t.test('rankings per breakdown group: the group is named first, then each city shows what the API ranks', async () => {
    for (const [id, name, city, lessons] of [
      ['ann', 'Ann', 'London', 4],
      ['bob', 'Bob', 'London', 7],
      ['chloe', 'Chloé', 'Paris', 2],
    ] as const) {
      await session.call('POST', '/v1/metrics/lessons/event', { user: { id, name, attributes: { city } }, value: lessons });
    }
    await page.getByRole('link', { name: 'Weekly lessons per city' }).click();
    await page.waitForURL(/\/env\/development\/leaderboards\/[^/]+$/);
    const rankings = page.getByRole('region', { name: 'Rankings' });
    await rankings.getByRole('button', { name: 'Show ranking' }).click();
    await assertFirstError(rankings, 'City', "City is required: the group's value.");

    for (const city of ['London', 'Paris']) {
      const answer = await session.call('GET', `/v1/leaderboards/weekly-lessons?userAttributes=${encodeURIComponent(`city:${city}`)}&run=${day(0)}`);
      assert.ok(answer.rankings.length > 0, `the API ranks ${city}: ${JSON.stringify(answer)}`);
      await rankings.getByLabel('City').fill(city);
      await rankings.getByRole('button', { name: 'Show ranking' }).click();
      await page.waitForFunction((first) => document.querySelector('[data-testid=ranking-row] a')?.textContent === first, answer.rankings[0].userName);
      assert.deepEqual(
        await rankingRows(),
        answer.rankings.map((r: any) => [String(r.rank), r.userName, `${r.value} lessons`]),
      );
    }
    assert.deepEqual(
      (await session.call('GET', `/v1/leaderboards/weekly-lessons?userAttributes=city:London`)).rankings.map((r: any) => [r.userId, r.value]),
      [['bob', 7], ['ann', 4]],
      'scored from the events, best first',
    );
    await screenshot(page, 'leaderboard-rankings');
  });

  await t.test('past runs: every run since the start can be read back, the current one live', async () => {
    await session.call('POST', '/admin/v1/leaderboards', [
      { name: 'Daily lessons', key: 'daily-lessons', rankBy: 'metric', metricId: ids.lessons, status: 'active', start: day(-3), runUnit: 'day', runInterval: 1 },
    ]);
    await session.call('POST', '/v1/metrics/lessons/event', { user: { id: 'ann' }, value: 2 });
    const [board] = (await session.call('GET', '/admin/v1/leaderboards')).filter((b: any) => b.key === 'daily-lessons');
    await page.goto(`${laurel.url}/env/development/leaderboards/${board.id}`);
    const rankings = page.getByRole('region', { name: 'Rankings' });
    const run = rankings.getByLabel('Run');
    await rankings.locator('.live').waitFor();
    assert.deepEqual(
      await run.locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value)),
      [day(0), day(-1), day(-2), day(-3)],
      'the current run first, then every earlier one',
    );
    const environment = (await session.call('GET', '/console/v1/environments')).find((e: any) => e.name === 'development');
    const listed = await session.call('GET', `/console/v1/environments/${environment.id}/leaderboards/${board.id}/runs`);
    assert.deepEqual(
      await run.locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value)),
      [listed.current.start, ...listed.past.map((r: any) => r.start)],
      'the picker offers the runs the server lists, none worked out by the page',
    );
    const today = await session.call('GET', `/v1/leaderboards/daily-lessons?run=${day(0)}`);
    assert.deepEqual(today.rankings.map((r: any) => [r.userId, r.value]), [['ann', 2]]);
    await rankings.getByTestId('ranking-row').waitFor();
    assert.deepEqual(await rankingRows(), [['1', 'Ann', '2 lessons']]);

    const asked = page.waitForRequest((request) => request.url().includes('/v1/leaderboards/daily-lessons') && request.url().includes(`run=${day(-3)}`));
    await run.selectOption(day(-3));
    await asked;
    await rankings.getByTestId('no-rankings').waitFor();
    assert.deepEqual((await session.call('GET', `/v1/leaderboards/daily-lessons?run=${day(-3)}`)).rankings, [], 'the API agrees: nobody was ranked then');
    assert.equal(await rankings.locator('.live').count(), 0, 'a past run is not live');
  });

  await t.test("a user's page: points, level and awards per system, and the rank on each leaderboard, as the API has them", async () => {
    await page.goto(`${laurel.url}/env/development/users/bob`);
    const points = page.getByTestId('user-points').filter({ hasText: 'XP' });
    const answer = await session.call('GET', '/v1/users/bob/points/xp');
    await points.getByTestId('points-total').waitFor();
    assert.equal(await points.getByTestId('points-total').innerText(), String(answer.total));
    assert.equal(await points.getByTestId('points-level').innerText(), answer.level?.name ?? 'None');
    assert.equal(await points.getByTestId('award-row').count(), answer.awards.length);
    assert.equal(answer.total, 20, 'two firings of 10 points for 7 lessons at 10 per 3');
    assert.equal(answer.level.name, 'Bronze');

    const standing = await session.call('GET', '/v1/users/bob/leaderboards/weekly-lessons');
    assert.equal(standing.rank, 1);
    const row = page.getByTestId('user-standing').filter({ hasText: 'Weekly lessons per city' });
    await row.getByTestId('standing-rank').waitFor();
    assert.equal(await row.getByTestId('standing-rank').innerText(), `#${standing.rank}`);
    assert.equal(await row.getByTestId('standing-score').innerText(), `${standing.value} lessons`);
    const daily = await session.call('GET', '/v1/users/bob/leaderboards/daily-lessons');
    assert.equal(daily.rank, null, 'Bob sent no lessons today on the daily board');
    await page.getByTestId('user-standing').filter({ hasText: 'Daily lessons' }).getByText('Not ranked in this run').waitFor();
    await screenshot(page, 'user-points-and-ranks');
  });

  await t.test('at 375 px: the awards with their boosts, the ranks and a ranking fit their cards, nothing cut', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      // A boost for everyone under way today: Ann's next firing is boosted, and the award says by what.
      await session.call('POST', `/admin/v1/points/${systemId}/boosts`, [{ name: 'Launch day', start: day(0), end: day(0), multiplier: 3, rounding: 'down' }]);
      await session.call('POST', '/v1/metrics/lessons/event', { user: { id: 'ann' }, value: 3 });
      const answer = await session.call('GET', '/v1/users/ann/points/xp');
      const boosted = answer.awards.find((award: any) => award.boosts.length > 0);
      assert.ok(boosted, `an award with a boost: ${JSON.stringify(answer.awards)}`);
      await page.goto(`${laurel.url}/env/development/users/ann`);
      const points = page.getByTestId('user-points').filter({ hasText: 'XP' });
      await points.getByTestId('award-row').first().waitFor();
      assert.equal(await points.getByTestId('award-row').count(), answer.awards.length);
      const first = points.getByTestId('award-row').first();
      assert.match(await first.innerText(), new RegExp(`${answer.awards[0].awarded} points[\\s\\S]*Metric: Lessons completed`));
      await points.getByText(`${boosted.boosts[0].name} ×${boosted.boosts[0].multiplier}`).first().waitFor();
      await page.getByTestId('user-standing').first().getByTestId('standing-rank').waitFor();
      await assertNoSidewaysScroll(page, "a user's page at 375 px");
      await assertNothingCut(page.getByRole('region', { name: 'Points' }), "a user's points at 375 px");
      await assertNothingCut(page.getByRole('region', { name: 'Leaderboards' }), "a user's ranks at 375 px");

      await page.getByTestId('user-standing').filter({ hasText: 'Weekly lessons per city' }).getByRole('link').click();
      const rankings = page.getByRole('region', { name: 'Rankings' });
      await rankings.getByLabel('City').fill('London');
      await rankings.getByRole('button', { name: 'Show ranking' }).click();
      await rankings.getByTestId('ranking-row').first().waitFor();
      await assertNoSidewaysScroll(page, 'a ranking at 375 px');
      await assertNothingCut(rankings, 'a ranking at 375 px');
      await screenshot(page, 'leaderboard-rankings-375');
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
  });
});
