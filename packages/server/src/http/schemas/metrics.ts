import { z } from 'zod';
import { metricUnitTypes } from '../../metrics/metric-store.js';
import { configKey, configName, strictItem } from './attributes.js';
import { adminIssue, deletedResource, objectId, text } from './common.js';

export const MAX_UNITS_LENGTH = 255;

const unitType = z.enum(metricUnitTypes, {
  error: (issue) =>
    issue.input === undefined
      ? `is required: one of ${metricUnitTypes.join(', ')}`
      : `unknown unit type ${JSON.stringify(issue.input)}; expected one of ${metricUnitTypes.join(', ')}`,
});

/** For currency metrics a currency code such as USD (checked per item); for numbers a free label. */
const units = text().trim().max(MAX_UNITS_LENGTH, `must be at most ${MAX_UNITS_LENGTH} characters`);

export const createMetricItem = strictItem({ name: configName(), key: configKey(), unitType: unitType.optional(), units: units.optional() }, [], '');

export const updateMetricItem = strictItem(
  { id: objectId(), name: configName().optional(), unitType: unitType.optional(), units: units.optional() },
  ['key'],
  "a metric's key is fixed when it is created; create a new metric instead",
);

export const createMetricsBody = z.array(createMetricItem).min(1, 'send at least one metric').max(100, 'at most 100 metrics per request');

export const updateMetricsBody = z.array(updateMetricItem).min(1, 'send at least one change').max(100, 'at most 100 changes per request');

export const createdMetric = z
  .object({
    id: z.string(),
    name: z.string(),
    key: z.string(),
    unitType: z.enum(metricUnitTypes),
    units: z.string(),
  })
  .meta({ id: 'CreatedMetric' });

export const createMetricsResponse = z
  .object({ created: z.array(createdMetric), issues: z.array(adminIssue) })
  .meta({ id: 'CreateMetricsResponse' });

export const updateMetricsResponse = z
  .object({ updated: z.array(createdMetric), issues: z.array(adminIssue) })
  .meta({ id: 'UpdateMetricsResponse' });

export const deleteMetricsResponse = z
  .object({ deleted: z.array(deletedResource), issues: z.array(adminIssue) })
  .meta({ id: 'DeleteMetricsResponse' });

export const metricStats = z
  .object({
    metricId: z.string(),
    key: z.string(),
    /** Sum of every user's total for the metric. */
    total: z.number(),
    /** Users with a total for the metric. */
    users: z.number(),
  })
  .meta({ id: 'MetricStats' });
