import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Metric, UnitType } from '../../../api/config';
import { Modal } from '../../../ui/dialog';
import { Notice } from '../../../ui/feedback';
import { useFocusFirstError } from '../../../ui/focus-first-error';
import { clearOnEdit, FormActions, problemsOf, requiredMessage, SelectField, TextField } from '../../../ui/form';
import { placeErrors } from '../../../ui/server-errors';
import { KEY_IN_USE, KeyField, keyProblem, useSuggestedKey } from '../key';
import { useConfigApi, useInvalidate } from '../queries';

const FIELDS = ['name', 'key', 'unitType', 'units'] as const;
const ALIASES = [KEY_IN_USE];

const UNIT_TYPES = [
  { value: 'number', label: 'Number' },
  { value: 'currency', label: 'Currency' },
];

/** What the server would refuse, said in words before sending; `key` only when creating. */
function checkMetric(name: string, key: string | undefined, unitType: UnitType, units: string) {
  return problemsOf({
    name: requiredMessage('Name', name),
    key: key === undefined ? undefined : keyProblem(key),
    units: unitType === 'currency' ? requiredMessage('Currency code', units) : undefined,
  });
}

/** Creates a metric, or edits one (`metric` given): the key is fixed once created. */
export function MetricDialog({ metric, onClose }: { metric?: Metric; onClose: () => void }) {
  const title = metric ? `Edit ${metric.name}` : 'Create metric';
  return (
    <Modal title={title} open onClose={onClose}>
      <MetricForm metric={metric} onClose={onClose} />
    </Modal>
  );
}

function MetricForm({ metric, onClose }: { metric: Metric | undefined; onClose: () => void }) {
  const { calls } = useConfigApi();
  const invalidate = useInvalidate();
  const [name, setName] = useState(metric?.name ?? '');
  const [key, setKey] = useSuggestedKey(name);
  const [unitType, setUnitType] = useState<UnitType>(metric?.unitType ?? 'number');
  const [units, setUnits] = useState(metric?.units ?? '');

  const mutation = useMutation({
    mutationFn: () => (metric ? calls.metrics.update(metric.id, { name, unitType, units }) : calls.metrics.create({ name, key, unitType, units })),
    onSuccess: async () => {
      // Names show in achievements and streak conditions too.
      await invalidate('metrics', 'achievements', 'streak-settings');
      onClose();
    },
  });
  const server = mutation.error ? placeErrors(mutation.error, FIELDS, ALIASES) : undefined;
  // Checked on submit, then again on every change, so a message goes as soon as it is fixed.
  const [checked, setChecked] = useState(false);
  const local: Partial<Record<(typeof FIELDS)[number], string>> = checked ? checkMetric(name, metric ? undefined : key, unitType, units) : {};
  const error = (field: (typeof FIELDS)[number]) => local[field] ?? server?.fields[field];
  const { ref, failed } = useFocusFirstError(mutation.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (Object.keys(checkMetric(name, metric ? undefined : key, unitType, units)).length > 0) return failed();
    mutation.mutate();
  }

  return (
    <form ref={ref} onSubmit={submit} onChange={clearOnEdit(mutation)} noValidate>
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={255} autoFocus error={error('name')} hint="Shown in the dashboard and in achievement payloads." />
      {metric ? (
        <TextField label="Key" value={metric.key} readOnly className="input mono" hint="Fixed once created: events are sent to this key." />
      ) : (
        <KeyField
          value={key}
          onChange={setKey}
          error={error('key')}
          hint={
            <>
              Letters, digits, - and _. Your backend sends events to <code>POST /v1/metrics/{key || '{key}'}/event</code>. It cannot change later.
            </>
          }
        />
      )}
      <div className="grid-2">
        <SelectField label="Unit type" value={unitType} onChange={(e) => setUnitType(e.target.value as UnitType)} options={UNIT_TYPES} error={error('unitType')} />
        <TextField
          label={unitType === 'currency' ? 'Currency code' : 'Units'}
          value={units}
          onChange={(e) => setUnits(e.target.value)}
          maxLength={255}
          placeholder={unitType === 'currency' ? 'USD' : 'words'}
          error={error('units')}
          hint={unitType === 'currency' ? 'An ISO 4217 code, like USD or EUR.' : 'Optional label shown after values.'}
        />
      </div>
      {server?.form && <Notice kind="error">{server.form}</Notice>}
      <FormActions submitLabel={metric ? 'Save changes' : 'Create metric'} pending={mutation.isPending} onCancel={onClose} />
    </form>
  );
}
