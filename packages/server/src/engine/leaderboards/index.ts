export {
  ADMIN_STATUSES,
  RANK_BY,
  RUN_UNITS,
  type AdminStatus,
  type Entry,
  type FieldError,
  type HistoryRow,
  type LeaderboardConfig,
  type LeaderboardStatus,
  type RankBy,
  type RankChange,
  type RankedEntry,
  type Run,
  type RunSettings,
  type RunUnit,
  type TimeWindow,
} from './types.js';
export { addMonths, currentRun, pastRuns, runAt, runContaining } from './runs.js';
export { dateBeginsAnywhere, dateEndsEverywhere, ranksOn, statusAt } from './status.js';
export { MAX_PARTICIPANTS, MAX_RUN_INTERVAL, validateLeaderboard } from './validate.js';
export { finishedDueAt, nextDueWebhook, startedDueAt, type DueWebhook, type RunWebhookType } from './due.js';
export { inWindow, localSecondsOfDay, parseTimeOfDay } from './window.js';
export { addToScore, countingRun, leaderboardValue, streakScore, toEntry, type RunScore } from './score.js';
export { compareEntries, placement, Ranking, type Placement, type RankingUpdate } from './ranking.js';
export { GroupedRankings, groupForQuery, groupKey, groupValues, type GroupedUpdate } from './groups.js';
export { historyView, snapshotRow, type HistoryEvent } from './history.js';
export {
  eventLeaderboardFields,
  rankingPage,
  userStanding,
  validatePage,
  webhookRankings,
  WEBHOOK_RANKINGS,
  type EventLeaderboardFields,
  type PageQuery,
} from './views.js';
