import { z } from 'zod';
import { addDays } from '../../engine/streaks/index.js';

/** Trophy: "the date range must not exceed 400 days". */
export const MAX_SUMMARY_DAYS = 400;

const isoDate = z.iso.date({ error: 'must be a date like 2026-01-31' });
const aggregations = ['daily', 'weekly', 'monthly'] as const;

/**
 * The query of an event summary (`aggregation`, `startDate`, `endDate`): a range of local dates,
 * start not after end and at most 400 days apart; 422 naming the field otherwise.
 */
export const eventSummaryQuery = z
  .object({
    aggregation: z.enum(aggregations, { error: `must be one of ${aggregations.join(', ')}` }),
    startDate: isoDate,
    endDate: isoDate,
  })
  .superRefine((query, ctx) => {
    if (query.startDate > query.endDate) ctx.addIssue({ code: 'custom', path: ['startDate'], message: 'must not be after endDate' });
    else if (addDays(query.startDate, MAX_SUMMARY_DAYS) < query.endDate) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: `the range must not exceed ${MAX_SUMMARY_DAYS} days` });
    }
  });
