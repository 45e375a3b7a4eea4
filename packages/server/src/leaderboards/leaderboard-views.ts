import { statusAt, type LeaderboardStatus, type RankBy, type RunUnit } from '../engine/leaderboards/index.js';
import { DELETED_ATTRIBUTE_KEY, type Leaderboard } from './leaderboard.js';

/** Trophy's AdminLeaderboard: optional fields are left out when unset, breakdowns are attribute ids. */
export interface AdminLeaderboard {
  id: string;
  name: string;
  key: string;
  description?: string;
  status: LeaderboardStatus;
  rankBy: RankBy;
  metricId?: string;
  pointsSystemId?: string;
  maxParticipants: number;
  start: string;
  end?: string;
  startTime?: string;
  endTime?: string;
  breakdownAttributes: string[];
  runUnit?: RunUnit;
  runInterval?: number;
}

/** The board as the Admin API shows it at `now` (`status` is the one users see). */
export function toAdminLeaderboard(board: Leaderboard, now: number): AdminLeaderboard {
  const view: AdminLeaderboard = {
    id: board.id,
    name: board.name,
    key: board.key,
    status: statusAt(board, now),
    rankBy: board.rankBy,
    maxParticipants: board.maxParticipants,
    start: board.start,
    breakdownAttributes: [...board.breakdownAttributeIds],
  };
  if (board.description !== null) view.description = board.description;
  if (board.metricId !== null) view.metricId = board.metricId;
  if (board.pointsSystemId !== null) view.pointsSystemId = board.pointsSystemId;
  if (board.end !== null) view.end = board.end;
  if (board.startTime !== null) view.startTime = board.startTime;
  if (board.endTime !== null) view.endTime = board.endTime;
  if (board.runUnit !== null) view.runUnit = board.runUnit;
  if (board.runInterval !== null) view.runInterval = board.runInterval;
  return view;
}

/** Trophy's LeaderboardResponse: the nullable fields are always present, breakdowns are attribute keys. */
export interface LeaderboardResponse {
  id: string;
  name: string;
  key: string;
  rankBy: RankBy;
  /** Deprecated in the spec: the only breakdown attribute's key, or null. */
  breakdownAttribute: string | null;
  breakdownAttributes: string[];
  metricKey?: string;
  metricName?: string;
  pointsSystemKey?: string;
  pointsSystemName?: string;
  description: string | null;
  start: string;
  end: string | null;
  startTime: string | null;
  endTime: string | null;
  maxParticipants: number;
  runUnit: RunUnit | null;
  runInterval: number | null;
}

export function toLeaderboardResponse(board: Leaderboard): LeaderboardResponse {
  const breakdownAttributes = board.breakdownAttributes.filter((key) => key !== DELETED_ATTRIBUTE_KEY);
  const view: LeaderboardResponse = {
    id: board.id,
    name: board.name,
    key: board.key,
    rankBy: board.rankBy,
    breakdownAttribute: breakdownAttributes.length === 1 ? (breakdownAttributes[0] as string) : null,
    breakdownAttributes,
    description: board.description,
    start: board.start,
    end: board.end,
    startTime: board.startTime,
    endTime: board.endTime,
    maxParticipants: board.maxParticipants,
    runUnit: board.runUnit,
    runInterval: board.runInterval,
  };
  if (board.metric !== null) {
    view.metricKey = board.metric.key;
    view.metricName = board.metric.name;
  }
  if (board.pointsSystem !== null) {
    view.pointsSystemKey = board.pointsSystem.key;
    view.pointsSystemName = board.pointsSystem.name;
  }
  return view;
}

/** `GET /v1/leaderboards`'s items: a visible board with the status users see (never inactive). */
export type VisibleLeaderboard = LeaderboardResponse & { status: Exclude<LeaderboardStatus, 'inactive'> };

export function toVisibleLeaderboard(board: Leaderboard, now: number): VisibleLeaderboard | null {
  const status = statusAt(board, now);
  return status === 'inactive' ? null : { ...toLeaderboardResponse(board), status };
}
