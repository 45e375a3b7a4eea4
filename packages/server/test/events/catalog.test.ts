import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPayload, catalog, catalogEntries } from '../../src/events/catalog.js';
import { eventAreas, eventTypes, isEventType } from '../../src/events/event-types.js';
import { sampleUser } from '../../src/events/samples.js';
import { loadReference, referencePath, webhookValidator } from '../support/reference-schemas.js';

const now = new Date('2026-03-18T14:05:09.123Z');
const reference = loadReference();
const skip = reference ? false : `Trophy reference not found at ${referencePath}; schema checks skipped`;

describe('event catalog', () => {
  it('has one entry per event type, in the same order', () => {
    assert.equal(eventTypes.length, 18);
    assert.deepEqual(Object.keys(catalog), [...eventTypes]);
    assert.deepEqual(
      catalogEntries.map((d) => d.type),
      [...eventTypes],
    );
  });

  it('gives each entry a matching type, a known area and a title and description', () => {
    for (const type of eventTypes) {
      const def = catalog[type];
      assert.equal(def.type, type);
      assert.ok(eventAreas.includes(def.area), `${type}: unknown area ${def.area}`);
      assert.ok(def.title.length > 0 && def.description.length > 0, `${type}: empty text`);
    }
    for (const area of eventAreas) {
      assert.ok(catalogEntries.some((d) => d.area === area), `no event type in area ${area}`);
    }
  });

  it('marks as live exactly the types the engine emits today', () => {
    // achievement.completed, the streak types, points.changed, points.level_changed,
    // leaderboard.changed and leaderboard.rank_changed: the pipeline (src/pipeline/, its stages and
    // throttled-webhooks.ts); the boost and run lifecycles: points/boost-lifecycle.ts and
    // leaderboards/leaderboard-lifecycle.ts. Emails are not built yet, so only test events of theirs are sent.
    assert.deepEqual(
      catalogEntries.filter((d) => d.live).map((d) => d.type),
      [
        'achievement.completed',
        'streak.started',
        'streak.extended',
        'streak.lost',
        'streak.freeze_consumed',
        'streak.freeze_earned',
        'points.changed',
        'points.level_changed',
        'points.boost_started',
        'points.boost_finished',
        'leaderboard.started',
        'leaderboard.changed',
        'leaderboard.finished',
        'leaderboard.rank_changed',
      ],
    );
  });

  it('builds samples whose type matches the key and comes first', () => {
    for (const type of eventTypes) {
      const sample = catalog[type].sample(now);
      assert.equal(sample.type, type);
      assert.equal(Object.keys(sample)[0], 'type', `${type}: type is not the first key`);
    }
  });

  it('builds the same bytes for the same instant, and dates that follow it', () => {
    const later = new Date(now.getTime() + 86_400_000);
    for (const type of eventTypes) {
      assert.equal(JSON.stringify(catalog[type].sample(now)), JSON.stringify(catalog[type].sample(new Date(now))));
      assert.notEqual(JSON.stringify(catalog[type].sample(now)), JSON.stringify(catalog[type].sample(later)), type);
    }
    assert.equal(catalog['achievement.completed'].sample(now).achievement.achievedAt, now.toISOString());
    assert.equal(catalog['points.boost_started'].sample(now).timestamp, now.toISOString());
    assert.equal(catalog['streak.started'].sample(now).streak.started, '2026-03-18');
  });

  it('sends both spellings of the email opt-in flag in user objects', () => {
    const { user } = catalog['streak.lost'].sample(now);
    assert.equal(user.subscribeToEmails, true);
    assert.equal(user.subscribedToEmails, true);
  });
});

describe('buildPayload', () => {
  it('puts type first whatever order the fields come in', () => {
    const body = buildPayload('streak.freeze_earned', { freezes: 2, earned: 1, user: sampleUser(now) });
    assert.deepEqual(Object.keys(body), ['type', 'freezes', 'earned', 'user']);
    assert.ok(JSON.stringify(body).startsWith('{"type":"streak.freeze_earned",'));
  });
});

describe('isEventType', () => {
  it('accepts every catalog type and rejects anything else', () => {
    for (const type of eventTypes) assert.ok(isEventType(type));
    for (const bad of ['', 'achievement', 'achievement.unlocked', 'Streak.started', 'toString', '__proto__', 'streak.started ']) {
      assert.equal(isEventType(bad), false, JSON.stringify(bad));
    }
  });
});

describe('samples against the Trophy reference', { skip }, () => {
  it('lists exactly the webhook types the reference defines, in its order', () => {
    assert.deepEqual(Object.keys(reference!.doc.webhooks), [...eventTypes]);
  });

  for (const type of eventTypes) {
    it(`${type} sample matches its schema`, () => {
      assert.deepEqual(webhookValidator(type)(catalog[type].sample(now)), []);
    });
  }

  it('the validator catches missing fields, wrong types, bad enums and unknown keys', () => {
    const validate = webhookValidator('streak.extended');
    const fresh = () => structuredClone(catalog['streak.extended'].sample(now)) as unknown as Record<string, any>;

    const noControl = fresh();
    delete noControl['user'].control;
    assert.match(validate(noControl).join('\n'), /\/user must have required property 'control'/);

    const wrongType = fresh();
    wrongType['streak'].length = '12';
    assert.match(validate(wrongType).join('\n'), /\/streak\/length must be integer/);

    const badEnum = fresh();
    badEnum['streak'].frequency = 'hourly';
    assert.match(validate(badEnum).join('\n'), /\/streak\/frequency must be equal to one of the allowed values/);

    const badDate = fresh();
    badDate['streak'].periodEnd = '18/03/2026';
    assert.match(validate(badDate).join('\n'), /\/streak\/periodEnd must match format "date"/);

    const typo = fresh();
    typo['streak'].maxFreeze = 3;
    assert.match(validate(typo).join('\n'), /\/streak\/maxFreeze is not defined by the reference schema/);

    assert.notDeepEqual(validate('not an object'), []);
    assert.notDeepEqual(webhookValidator('points.level_changed')({ type: 'points.level_changed' }), []);
  });
});
