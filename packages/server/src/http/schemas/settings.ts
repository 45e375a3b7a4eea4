import { z } from 'zod';
import { aggregationPeriods, fontFamilies } from '../../settings/environment-settings.js';

/** Trophy's four colour forms: #RGB, #RRGGBB, rgb(r,g,b) and rgba(r,g,b,a). */
const COLOUR = /^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)|rgba\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*(0|1|0?\.\d+|1\.0+)\s*\))$/;
const brandColor = z.string().regex(COLOUR, 'must be #RGB, #RRGGBB, rgb(r,g,b) or rgba(r,g,b,a)');
const image = z.strictObject({ url: z.url('must be a URL').max(2048) });
const font = z.enum(fontFamilies);
const aggregationPeriod = z.enum(aggregationPeriods).meta({ id: 'AdminAggregationPeriod' });

export const adminSettings = z
  .object({
    branding: z.object({
      appName: z.string(),
      appUrl: z.string(),
      brandColor: z.string(),
      font,
      logo: z.object({ url: z.string() }).nullable(),
      appIcon: z.object({ url: z.string() }).nullable(),
    }),
    experimentation: z.object({
      controlRatio: z.number().int().describe('Percentage of new users put in the control group (stored; assigning users is not implemented yet).'),
      userActivationWindow: z.number().int(),
    }),
    aggregationPeriod,
  })
  .meta({ id: 'AdminSettings' });

/** Trophy's UpdateAdminSettingsRequest: every field optional; branding and experimentation merge field by field and may not be null. */
export const updateAdminSettingsBody = z
  .strictObject({
    branding: z
      .strictObject({
        appName: z.string().min(1, 'must not be empty').max(255).optional(),
        appUrl: z.url('must be a URL').max(2048).optional(),
        brandColor: brandColor.optional(),
        font: font.optional(),
        logo: image.nullable().optional(),
        appIcon: image.nullable().optional(),
      })
      .optional(),
    experimentation: z
      .strictObject({
        controlRatio: z.number().int('must be a whole number').min(0).max(100).optional(),
        userActivationWindow: z.number().int('must be a whole number').min(3).max(30).optional(),
      })
      .optional(),
    aggregationPeriod: aggregationPeriod.optional(),
  })
  .default({})
  .meta({ id: 'UpdateAdminSettingsRequest' });

/** Trophy SDK 1.25's AdminEnvironment. */
export const adminEnvironment = z
  .object({
    name: z.string(),
    key: z.string(),
    priority: z.number().int().describe('Lower wins; the production environment is 1.'),
  })
  .meta({ id: 'AdminEnvironment' });
