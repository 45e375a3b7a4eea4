import type { EvaluationMode, Frequency, StreakSettings, StreakSettingsInput } from '../../../api/config';

/** The streak settings as the form edits them: numbers stay text until saved, so a half-typed value is not lost. */
export interface StreakDraft {
  enabled: boolean;
  frequency: Frequency;
  evaluationMode: EvaluationMode;
  weekStart: number;
  /** metricKey is '' for a condition whose metric was deleted: it must be replaced or removed. */
  conditions: { metricKey: string; threshold: string }[];
  freezes: { enabled: boolean; initial: string; max: string; autoEarn: boolean; autoEarnInterval: string; autoEarnAmount: string };
  personalization: boolean;
  /** Set through the Admin API (no field on this form yet): kept as they are, dropped with a non-daily frequency. */
  daysOff: number[];
}

export function draftOf(settings: StreakSettings): StreakDraft {
  const f = settings.freezes;
  return {
    enabled: settings.enabled,
    frequency: settings.frequency,
    evaluationMode: settings.evaluationMode,
    weekStart: settings.weekStart,
    conditions: settings.conditions.map((c) => ({ metricKey: c.metricKey ?? '', threshold: String(c.threshold) })),
    freezes: {
      enabled: f !== null,
      initial: String(f?.startCount ?? 0),
      max: String(f?.maxCount ?? 0),
      autoEarn: f !== null && f.autoEarnInterval !== null,
      autoEarnInterval: String(f?.autoEarnInterval ?? 7),
      autoEarnAmount: String(f?.autoEarnAmount ?? 1),
    },
    personalization: settings.personalization,
    daysOff: settings.daysOff ?? [],
  };
}

type Errors = Record<string, string>;

/** The freeze fields' labels (FreezeFields), which their messages repeat. */
export const FREEZE_LABELS = {
  initial: 'Freezes for new users',
  max: 'Maximum freezes',
  autoEarnAmount: 'Freezes per grant',
  autoEarnInterval: 'Days between grants',
} as const;

const wholeNumber = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text) : undefined);

/**
 * The PUT body, or the fields that cannot be sent as typed. The server checks the rules (threshold
 * above 0, initial at most max); this only catches what would not be a number at all.
 */
export function bodyOf(draft: StreakDraft): { body?: StreakSettingsInput; errors: Errors } {
  const errors: Errors = {};
  const conditions = draft.conditions.map((condition, index) => {
    const threshold = Number(condition.threshold);
    if (!condition.metricKey) errors[`conditions[${index}].metricKey`] = 'Metric is required: choose one, or remove the condition.';
    if (condition.threshold.trim() === '') errors[`conditions[${index}].threshold`] = 'Threshold is required.';
    else if (!Number.isFinite(threshold)) errors[`conditions[${index}].threshold`] = 'Enter the threshold as a number.';
    return { metricKey: condition.metricKey, threshold };
  });
  const f = draft.freezes;
  // Freeze numbers only matter while freezes are on; the server still stores them.
  const number = (field: 'initial' | 'max' | 'autoEarnInterval' | 'autoEarnAmount', fallback: number) => {
    const value = wholeNumber(f[field]);
    if (value === undefined && f.enabled && (f.autoEarn || (field !== 'autoEarnInterval' && field !== 'autoEarnAmount'))) {
      errors[`freezes.${field}`] = f[field].trim() === '' ? `${FREEZE_LABELS[field]} is required.` : 'Enter a whole number.';
    }
    return value ?? fallback;
  };
  const freezes = {
    enabled: f.enabled,
    initial: number('initial', 0),
    max: number('max', 0),
    autoEarnInterval: f.autoEarn ? number('autoEarnInterval', 1) : null,
    autoEarnAmount: f.autoEarn ? number('autoEarnAmount', 1) : null,
  };
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    body: {
      enabled: draft.enabled,
      frequency: draft.frequency,
      conditions,
      evaluationMode: draft.evaluationMode,
      weekStart: draft.weekStart,
      freezes,
      personalization: draft.personalization,
      daysOff: draft.frequency === 'daily' ? draft.daysOff : [],
    },
  };
}

/** Every path the server may name in an error about the streak settings. */
export function errorPaths(draft: StreakDraft): string[] {
  return [
    'enabled',
    'frequency',
    'conditions',
    ...draft.conditions.flatMap((_, index) => [`conditions[${index}].metricKey`, `conditions[${index}].threshold`]),
    'evaluationMode',
    'weekStart',
    'freezes',
    'freezes.initial',
    'freezes.max',
    'freezes.autoEarnInterval',
    'freezes.autoEarnAmount',
    'personalization',
  ];
}
