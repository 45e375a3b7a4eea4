import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalog } from '../../server/src/events/catalog.js';
import { eventTypes as serverEventTypes } from '../../server/src/events/event-types.js';
import { eventTypes, isEventType, type EventOf, type EventType, type WebhookEvent } from '../src/index.js';
import { eventTypes as packagedEventTypes } from '@laurel/webhooks/events';
import { summary } from './support/summary.js';

// Compile-time checks: EventOf picks one payload, and a payload's `type` is its literal.
const lost: EventOf<'streak.lost'> = { type: 'streak.lost', user: {} as EventOf<'streak.lost'>['user'], length: 3 };
const lostLength: number = lost.length;
// @ts-expect-error streak.lost has no `achievement`
void lost.achievement;

describe('event types', () => {
  it('are the server\'s: the same 18 names, in the same order, as the catalog it sends from', () => {
    assert.equal(eventTypes.length, 18);
    assert.deepEqual([...eventTypes], Object.keys(catalog));
    assert.equal(serverEventTypes, packagedEventTypes, 'the server re-exports the very list this package builds');
  });

  it('every server sample narrows on type to a payload with its own fields', () => {
    const now = new Date('2026-03-18T14:05:09.123Z');
    const summaries = Object.fromEntries(eventTypes.map((type) => [type, summary(catalog[type].sample(now) as WebhookEvent)]));
    assert.deepEqual(summaries, {
      'achievement.completed': 'achievement Wordsmith',
      'streak.started': 'streak 1 daily',
      'streak.extended': 'streak 12 daily',
      'streak.lost': 'lost 9',
      'streak.freeze_consumed': 'consumed 1, 1 left',
      'streak.freeze_earned': 'earned 1, 2 now',
      'points.changed': 'points +50 = 1250',
      'points.level_changed': 'level Bronze -> Silver',
      'points.boost_started': 'boost Double XP weekend x2 active',
      'points.boost_finished': 'boost Double XP weekend x2 finished',
      'leaderboard.started': 'leaderboard weekly-words 0 ranked',
      'leaderboard.changed': 'leaderboard weekly-words 3 ranked',
      'leaderboard.finished': 'leaderboard weekly-words 3 ranked',
      'leaderboard.rank_changed': 'rank 3 -> 2',
      'emails.recap_due': 'recap 2026-03-08..2026-03-14',
      'emails.reactivation_due': 'reactivation #2',
      'emails.streak_reminder_due': 'reminder 7 periods',
      'emails.achievement_due': 'achievement email Week on a roll',
    });
    assert.equal(lostLength, 3);
  });

  it('isEventType knows the 18 and nothing else', () => {
    for (const type of eventTypes) assert.ok(isEventType(type));
    for (const other of ['toString', 'constructor', 'streak', 'quests.completed', '']) assert.equal(isEventType(other), false, other);
    const narrowed: EventType[] = ['points.changed'].filter(isEventType);
    assert.deepEqual(narrowed, ['points.changed']);
  });
});
