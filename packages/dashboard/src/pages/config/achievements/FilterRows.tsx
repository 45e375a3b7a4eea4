import { Link } from 'react-router';
import type { Attribute, AttributeType, KeyValue } from '../../../api/config';
import { useEnvironment } from '../../../app/environment';

/**
 * Editor of attribute filters ([{key, value}], every one must match) over the declared attributes
 * of one type. A filter on a key that is no longer declared stays visible so it can be removed.
 */
export function FilterRows({
  type,
  legend,
  hint,
  rows,
  onChange,
  attributes,
  error,
}: {
  type: AttributeType;
  legend: string;
  hint: string;
  rows: KeyValue[];
  onChange: (rows: KeyValue[]) => void;
  attributes: readonly Attribute[];
  error?: string | undefined;
}) {
  const { envPath } = useEnvironment();
  const declared = attributes.filter((attribute) => attribute.type === type);
  const noun = type === 'user' ? 'User attribute' : 'Event attribute';
  const update = (index: number, change: Partial<KeyValue>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const unused = declared.filter((attribute) => !rows.some((row) => row.key === attribute.key));

  return (
    <fieldset className={error ? 'field-invalid' : undefined}>
      <legend>{legend}</legend>
      <p className="field-hint">{hint}</p>
      {rows.map((row, index) => (
        <div className="filter-row" key={index}>
          <select className="input" aria-label={`${noun} ${index + 1}`} value={row.key} onChange={(e) => update(index, { key: e.target.value })}>
            {!declared.some((attribute) => attribute.key === row.key) && <option value={row.key}>{row.key} (not declared)</option>}
            {declared.map((attribute) => (
              <option key={attribute.id} value={attribute.key} disabled={attribute.key !== row.key && rows.some((other) => other.key === attribute.key)}>
                {attribute.name} ({attribute.key})
              </option>
            ))}
          </select>
          <span className="filter-equals" aria-hidden="true">
            =
          </span>
          <input className="input" aria-label={`${noun} ${index + 1} value`} value={row.value} maxLength={255} onChange={(e) => update(index, { value: e.target.value })} />
          <button type="button" className="icon-button" aria-label={`Remove ${noun.toLowerCase()} ${index + 1}`} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
            ×
          </button>
        </div>
      ))}
      {declared.length === 0 ? (
        <p className="field-hint">
          No {type} attributes are declared. <Link to={envPath('attributes')}>Declare one on the Attributes page</Link> to filter on it.
        </p>
      ) : (
        <button type="button" className="button button-small" disabled={unused.length === 0} onClick={() => onChange([...rows, { key: unused[0]!.key, value: '' }])}>
          Add {noun.toLowerCase()} filter
        </button>
      )}
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </fieldset>
  );
}
