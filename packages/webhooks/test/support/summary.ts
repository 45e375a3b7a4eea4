import type { WebhookEvent } from '../../src/index.js';

/**
 * One field only its own type has, per type: this compiles only if `switch (event.type)` narrows
 * each case to its payload, and the `never` default proves the 18 cases are exhaustive.
 */
export function summary(event: WebhookEvent): string {
  switch (event.type) {
    case 'achievement.completed':
      return `achievement ${event.achievement.name}`;
    case 'streak.started':
    case 'streak.extended':
      return `streak ${event.streak.length} ${event.streak.frequency}`;
    case 'streak.lost':
      return `lost ${event.length}`;
    case 'streak.freeze_consumed':
      return `consumed ${event.consumed}, ${event.freezes} left`;
    case 'streak.freeze_earned':
      return `earned ${event.earned}, ${event.freezes} now`;
    case 'points.changed':
      return `points +${event.points.added} = ${event.points.total}`;
    case 'points.level_changed':
      return `level ${event.previousLevel?.name ?? 'none'} -> ${event.newLevel?.name ?? 'none'}`;
    case 'points.boost_started':
    case 'points.boost_finished':
      return `boost ${event.boost.name} x${event.boost.multiplier} ${event.boost.status}`;
    case 'leaderboard.started':
    case 'leaderboard.changed':
    case 'leaderboard.finished':
      return `leaderboard ${event.leaderboard.key} ${event.leaderboard.rankings.length} ranked`;
    case 'leaderboard.rank_changed':
      return `rank ${event.leaderboard.previousRank} -> ${event.leaderboard.rank}`;
    case 'emails.recap_due':
      return `recap ${event.recap.periodStart}..${event.recap.periodEnd}`;
    case 'emails.reactivation_due':
      return `reactivation #${event.reactivation.messageNumber}`;
    case 'emails.streak_reminder_due':
      return `reminder ${event.streak.streakHistory.length} periods`;
    case 'emails.achievement_due':
      return `achievement email ${event.achievement.name}`;
    default: {
      const unknown: never = event;
      return `unknown type ${(unknown as { type: string }).type}`;
    }
  }
}
