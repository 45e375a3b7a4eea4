import { Checkbox, WholeNumberField } from '../../../ui/form';
import { FREEZE_LABELS, type StreakDraft } from './draft';

type Freezes = StreakDraft['freezes'];

/** Freezes keep a streak through a missed period: how many users start with, hold at most, and earn. */
export function FreezeFields({ freezes, errors, onChange }: { freezes: Freezes; errors: Record<string, string>; onChange: (freezes: Freezes) => void }) {
  const set = <K extends keyof Freezes>(field: K, value: Freezes[K]) => onChange({ ...freezes, [field]: value });
  const count = (field: keyof typeof FREEZE_LABELS, hint: string, min: number, max?: number) => (
    <WholeNumberField
      label={FREEZE_LABELS[field]}
      min={min}
      max={max}
      value={freezes[field]}
      onChange={(e) => set(field, e.target.value)}
      error={errors[`freezes.${field}`]}
      hint={hint}
    />
  );

  return (
    <>
      <Checkbox
        label="Enable streak freezes"
        hint="A freeze is spent automatically when a user misses a period, and their streak is kept."
        checked={freezes.enabled}
        onChange={(e) => set('enabled', e.target.checked)}
      />
      {errors.freezes && (
        <div className="field-error" role="alert">
          {errors.freezes}
        </div>
      )}
      {freezes.enabled && (
        <div className="nested">
          <div className="grid-2">
            {count('initial', 'Granted once, when a user is first seen.', 0)}
            {count('max', 'The most a user can hold (0–100).', 0, 100)}
          </div>
          <Checkbox
            label="Earn freezes automatically"
            hint="Grants run at the user's local midnight and never exceed the maximum."
            checked={freezes.autoEarn}
            onChange={(e) => set('autoEarn', e.target.checked)}
          />
          {freezes.autoEarn && (
            <div className="grid-2 nested-top">
              {count('autoEarnAmount', 'How many each grant adds.', 1)}
              {count('autoEarnInterval', 'The first grant comes this many days after the user was created.', 1)}
            </div>
          )}
        </div>
      )}
    </>
  );
}
