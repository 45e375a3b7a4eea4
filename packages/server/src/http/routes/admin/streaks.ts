import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { grantFreezes } from '../../../streaks/freezes.js';
import { createPauses, deletePauses } from '../../../streaks/pauses.js';
import { restoreStreaks } from '../../../streaks/restore.js';
import { resetStreaks } from '../../../streaks/reset.js';
import { getStreakSettings, replaceStreakSettings, updateStreakSettings, type StreakAdminDeps } from '../../../streaks/streak-admin.js';
import type { HttpDependencies } from '../../dependencies.js';
import { bodyErrorResponses, errorResponses, idList } from '../../schemas/common.js';
import {
  createStreakFreezesBody,
  createStreakFreezesResponse,
  createStreakPausesBody,
  createStreakPausesResponse,
  deleteStreakPausesResponse,
  resetStreaksBody,
  resetStreaksResponse,
  restoreStreaksBody,
  restoreStreaksResponse,
  streakSettingsBody,
  streakSettingsResponse,
  updateStreakSettingsBody,
  withSdkSpelling,
} from '../../schemas/streaks.js';

const tags = ['Streaks'];
const settingsTags = ['Streak settings'];

/**
 * Trophy's Admin API for streaks (freezes, pauses, restore) and, as a Laurel extension, the
 * environment's streak settings (Trophy keeps those in its dashboard). A body that does not fit
 * the schema is refused whole with 422; problems only the stored data reveals (a missing user, a
 * start in the user's past, a freeze over the maximum) are per-item issues carrying `userId` and
 * the item's `index`, with `severity`/`message` repeated as `level`/`reason` for SDK 1.0.42.
 */
export const streakAdminRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock, outbox, configCache } = deps;
  const db = backend.db;
  const admin: StreakAdminDeps & { configCache: typeof configCache } = { db, outbox, configCache, lockForUpdate: backend.supportsSkipLocked };

  app.post('/streaks/freezes', {
    schema: {
      tags,
      summary: 'Create streak freezes for multiple users',
      description:
        'Each item grants its user one freeze; a user may appear several times. An item that would take the user over the maximum is not applied (warning "Would exceed maximum freeze limit"). A missing user, or freezes being disabled in the streak settings, is an error issue per item. Each user granted freezes gets one streak.freeze_earned webhook with the request\'s total (none when their streak preference is off). Answers 201 if at least one freeze was granted, else 200.',
      body: createStreakFreezesBody,
      response: { 200: createStreakFreezesResponse, 201: createStreakFreezesResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const { granted, issues } = await grantFreezes(admin, request.environmentId, request.body.freezes, clock.now());
      return reply.status(granted > 0 ? 201 : 200).send({ issues: issues.map(withSdkSpelling) });
    },
  });

  app.post('/streaks/pauses', {
    schema: {
      tags,
      summary: 'Create streak pauses for multiple users',
      description:
        "A pause covers `start`..`end` (inclusive local dates, end on or after start): a period it overlaps that ends without activity keeps the streak's length, and no freeze is spent. A start before the user's local today (UTC for a user without a time zone) or a missing user is an error issue for that item. Answers 201 if at least one pause was created, else 200.",
      body: createStreakPausesBody,
      response: { 200: createStreakPausesResponse, 201: createStreakPausesResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const { created, issues } = await createPauses(db, request.environmentId, request.body.pauses, clock.now());
      return reply.status(created.length > 0 ? 201 : 200).send({ created, issues: issues.map(withSdkSpelling) });
    },
  });

  app.delete('/streaks/pauses', {
    schema: {
      tags,
      summary: 'Delete streak pauses',
      description:
        'Give ids as ?ids=a,b or ?ids=a&ids=b. A deleted pause is archived: it no longer covers periods, and history it already produced is kept. An id that is not a UUID, or no active pause, is an issue.',
      querystring: z.object({ ids: idList }),
      response: { 200: deleteStreakPausesResponse, ...errorResponses },
    },
    handler: async (request) => {
      const { deleted, issues } = await deletePauses(db, request.environmentId, request.query.ids);
      return { deleted, issues: issues.map(withSdkSpelling) };
    },
  });

  app.post('/streaks/restore', {
    schema: {
      tags,
      summary: 'Restore streaks for multiple users',
      description:
        "Restores each user's streak to the longest length their history reaches within the restore window (daily: the last 90 days; weekly: from the week containing 1 January of this year; monthly: from 1 January of last year), counted through the previous period, so the user must act in the current period to extend it. Sends no webhooks. A missing user is an error issue; a user with nothing longer to restore gets the warning \"No streak to restore\". Answers 201 if at least one streak was restored, else 200.",
      body: restoreStreaksBody,
      response: { 200: restoreStreaksResponse, 201: restoreStreaksResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const { restoredUsers, issues } = await restoreStreaks(admin, request.environmentId, request.body.users, clock.now());
      return reply.status(restoredUsers.length > 0 ? 201 : 200).send({ restoredUsers, issues: issues.map(withSdkSpelling) });
    },
  });

  app.post('/streaks/reset', {
    schema: {
      tags,
      summary: 'Reset streaks for multiple users',
      description:
        "Sets each user's current streak to 0 (Trophy SDK 1.26). Periods that ended since the user's last visit are settled first, with their webhooks (lost, freeze consumed or earned); the reset itself sends none and writes no history row, so a later restore can bring the streak back. Streak leaderboards and points follow the new length. A missing user is an error issue; a user with no running streak (or streaks off) gets the warning \"No streak to reset\". Answers 201 if at least one streak was reset, else 200 (as restore does).",
      body: resetStreaksBody,
      response: { 200: resetStreaksResponse, 201: resetStreaksResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const { resetUsers, issues } = await resetStreaks(admin, request.environmentId, request.body.users, clock.now());
      return reply.status(resetUsers.length > 0 ? 201 : 200).send({ resetUsers, issues: issues.map(withSdkSpelling) });
    },
  });

  app.get('/streaks/settings', {
    schema: {
      tags: settingsTags,
      summary: 'Get the streak settings',
      description:
        "Trophy's StreakSettings, then Laurel's extensions (`enabled`, `weekStart`, `personalization`, `conditions`). Until settings are saved, the streak is disabled and every length stays 0.",
      response: { 200: streakSettingsResponse, ...errorResponses },
    },
    handler: async (request) => getStreakSettings(db, request.environmentId),
  });

  app.patch('/streaks/settings', {
    schema: {
      tags: settingsTags,
      summary: 'Update the streak settings',
      description:
        "Trophy's update: fields left out keep their values. `metrics` replaces the list (keys unique, each an active metric: 422 otherwise) and turns the streak on unless `enabled` says otherwise; `freezes` replaces the freeze settings (`maxCount` >= `startCount`; both auto-earn fields or neither) and null turns freezes off; a non-empty `daysOff` needs the frequency after the update to be daily (422), and a frequency other than daily clears the days off. Laurel extensions: `enabled`, `weekStart`. Every user's next streak rollover is rescheduled shortly after the response.",
      body: updateStreakSettingsBody,
      response: { 200: streakSettingsResponse, ...bodyErrorResponses },
    },
    handler: async (request) => {
      const settings = await updateStreakSettings(db, request.environmentId, request.body, clock.now());
      deps.wakeScheduler?.();
      return settings;
    },
  });

  app.put('/streaks/settings', {
    schema: {
      tags: settingsTags,
      summary: 'Replace the streak settings (Laurel extension)',
      description:
        'Laurel extension (Trophy has PATCH). Replaces the whole configuration: fields left out take their defaults (evaluationMode AND, weekStart 0 = Sunday, freezes disabled, personalization false, no days off), not their previous values. `evaluationMode` accepts ALL as a synonym of AND and is always answered as AND. `weekStart` is a day number, 0 = Sunday ... 6 = Saturday. Conditions name metrics by key; a key that is not an active metric of the environment answers 400. An enabled streak needs at least one condition; days off need a daily streak (422). Answers the same StreakSettings as GET. Every user\'s next streak rollover is rescheduled shortly after the response, by a job the request commits with the settings.',
      body: streakSettingsBody,
      response: { 200: streakSettingsResponse, ...bodyErrorResponses },
    },
    handler: async (request) => {
      const settings = await replaceStreakSettings(db, request.environmentId, request.body, clock.now());
      deps.wakeScheduler?.();
      return settings;
    },
  });
};
