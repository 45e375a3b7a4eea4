import { Link } from 'react-router';
import type { EvaluationMode, Metric } from '../../../api/config';
import { useEnvironment } from '../../../app/environment';
import type { StreakDraft } from './draft';

type Conditions = StreakDraft['conditions'];

/** The metric thresholds a period must meet, and whether all or any of them. */
export function ConditionRows({
  conditions,
  mode,
  metrics,
  errors,
  onChange,
  onMode,
}: {
  conditions: Conditions;
  mode: EvaluationMode;
  metrics: readonly Metric[];
  errors: Record<string, string>;
  onChange: (conditions: Conditions) => void;
  onMode: (mode: EvaluationMode) => void;
}) {
  const { envPath } = useEnvironment();
  const update = (index: number, change: Partial<Conditions[number]>) => onChange(conditions.map((c, i) => (i === index ? { ...c, ...change } : c)));
  const unused = metrics.filter((metric) => !conditions.some((c) => c.metricKey === metric.key));

  return (
    <>
      {conditions.length > 0 && (
        <div className="condition-table" role="group" aria-label="Conditions">
          <div className="condition-head" aria-hidden="true">
            <span>Metric</span>
            <span>At least, per period</span>
            <span />
          </div>
          {conditions.map((condition, index) => {
            const metricError = errors[`conditions[${index}].metricKey`];
            const thresholdError = errors[`conditions[${index}].threshold`];
            const units = metrics.find((m) => m.key === condition.metricKey)?.units;
            return (
              <div key={index} className="condition-row">
                <div className={metricError ? 'field-invalid' : undefined}>
                  <select
                    className="input"
                    aria-label={`Condition ${index + 1} metric`}
                    aria-invalid={Boolean(metricError)}
                    value={condition.metricKey}
                    onChange={(e) => update(index, { metricKey: e.target.value })}
                  >
                    {!metrics.some((m) => m.key === condition.metricKey) && (
                      <option value={condition.metricKey}>{condition.metricKey ? `${condition.metricKey} (unknown metric)` : 'Deleted metric — choose another'}</option>
                    )}
                    {metrics.map((metric) => (
                      <option key={metric.id} value={metric.key} disabled={metric.key !== condition.metricKey && conditions.some((c) => c.metricKey === metric.key)}>
                        {metric.name} ({metric.key})
                      </option>
                    ))}
                  </select>
                  {metricError && (
                    <div className="field-error" role="alert">
                      {metricError}
                    </div>
                  )}
                </div>
                <div className={thresholdError ? 'field-invalid' : undefined}>
                  <div className="input-with-suffix">
                    <input
                      className="input"
                      type="number"
                      step="any"
                      min={0}
                      inputMode="decimal"
                      aria-label={`Condition ${index + 1} threshold`}
                      aria-invalid={Boolean(thresholdError)}
                      value={condition.threshold}
                      onChange={(e) => update(index, { threshold: e.target.value })}
                    />
                    {units && <span className="input-suffix">{units}</span>}
                  </div>
                  {thresholdError && (
                    <div className="field-error" role="alert">
                      {thresholdError}
                    </div>
                  )}
                </div>
                <button type="button" className="icon-button" aria-label={`Remove condition ${index + 1}`} onClick={() => onChange(conditions.filter((_, i) => i !== index))}>
                  ×
                </button>
              </div>
            );
          })}
        </div>
      )}
      {errors.conditions && (
        <div className="field-error" role="alert">
          {errors.conditions}
        </div>
      )}
      {metrics.length === 0 ? (
        <p className="field-hint">
          Conditions are metric thresholds. <Link to={envPath('metrics')}>Create a metric</Link> first.
        </p>
      ) : (
        <button type="button" className="button button-small" disabled={unused.length === 0} onClick={() => onChange([...conditions, { metricKey: unused[0]!.key, threshold: '1' }])}>
          Add condition
        </button>
      )}
      {conditions.length > 1 && (
        <fieldset className="radio-group">
          <legend>A period counts when the user meets</legend>
          <label className="checkbox">
            <input type="radio" name="evaluation-mode" checked={mode === 'AND'} onChange={() => onMode('AND')} />
            <span>All conditions (AND)</span>
          </label>
          <label className="checkbox">
            <input type="radio" name="evaluation-mode" checked={mode === 'OR'} onChange={() => onMode('OR')} />
            <span>Any condition (OR)</span>
          </label>
        </fieldset>
      )}
    </>
  );
}
