import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sendEvent } from '../app-api/setup.js';
import { assertError } from '../support/assert-error.js';
import { developmentFixtures, fixturesFor, type Fixtures } from '../support/fixtures.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';

const STATS = '/admin/v1/metrics/stats';

forEachBackend('metric stats', (database) => {
  let laurel: TestLaurel;
  let dev: Fixtures;
  let devWords: string;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url });
    dev = await developmentFixtures(laurel);
  });
  after(() => laurel.close());

  const stats = async (key?: string): Promise<any[]> => {
    const response = await laurel.api('GET', STATS, key ? { key } : {});
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  };

  test("each metric with the sum of its users' totals and how many users have one, oldest metric first", async () => {
    assert.deepEqual(await stats(), []);
    const words = (devWords = (await dev.metric({ key: 'words' })).id);
    const minutes = (await dev.metric({ key: 'minutes' })).id;
    const unused = (await dev.metric({ key: 'unused' })).id;
    for (const [metric, user, value] of [['words', 'u1', 10], ['words', 'u1', 3], ['words', 'u2', 7.5], ['minutes', 'u2', 5], ['minutes', 'u3', -2]] as const) {
      const response = await sendEvent(laurel, metric, { user: { id: user }, value });
      assert.equal(response.status, 201, JSON.stringify(response.body));
    }
    assert.deepEqual(await stats(), [
      { metricId: words, key: 'words', total: 20.5, users: 2 },
      { metricId: minutes, key: 'minutes', total: 3, users: 2 },
      { metricId: unused, key: 'unused', total: 0, users: 0 },
    ]);
  });

  test('another environment counts only its own metrics and users', async () => {
    const elsewhere = await fixturesFor(laurel, 'metric-stats-elsewhere');
    const key = elsewhere.key;
    assert.deepEqual(await stats(key), []);
    const words = (await elsewhere.metric({ key: 'words' })).id;
    const response = await laurel.api('POST', '/v1/metrics/words/event', { key, body: { user: { id: 'u1' }, value: 1 } });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.deepEqual(await stats(key), [{ metricId: words, key: 'words', total: 1, users: 1 }]);
    assert.deepEqual((await stats())[0], { metricId: devWords, key: 'words', total: 20.5, users: 2 }, 'the development environment is unchanged');
  });

  test('stats is not taken for a metric id', async () => {
    assertError(await laurel.api('GET', '/admin/v1/metrics/statsx'), 404, /Metric not found: statsx/);
  });
});
