import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Attribute, AttributeType } from '../../../api/config';
import { Modal } from '../../../ui/dialog';
import { Notice } from '../../../ui/feedback';
import { useFocusFirstError } from '../../../ui/focus-first-error';
import { clearOnEdit, FormActions, problemsOf, requiredMessage, SelectField, TextField } from '../../../ui/form';
import { placeErrors } from '../../../ui/server-errors';
import { KEY_IN_USE, KeyField, keyProblem, useSuggestedKey } from '../key';
import { useConfigApi, useInvalidate } from '../queries';

const FIELDS = ['name', 'key', 'type'] as const;
const ALIASES = [KEY_IN_USE];

const ATTRIBUTE_TYPES = [
  { value: 'user', label: 'User attribute' },
  { value: 'event', label: 'Event attribute' },
];

/** Creates an attribute of `type`, or renames one (`attribute` given): key and type are fixed once created. */
export function AttributeDialog({ attribute, type, onClose }: { attribute?: Attribute; type: AttributeType; onClose: () => void }) {
  return (
    <Modal title={attribute ? `Edit ${attribute.name}` : 'Create attribute'} open onClose={onClose}>
      <AttributeForm attribute={attribute} initialType={type} onClose={onClose} />
    </Modal>
  );
}

function AttributeForm({ attribute, initialType, onClose }: { attribute: Attribute | undefined; initialType: AttributeType; onClose: () => void }) {
  const { calls } = useConfigApi();
  const invalidate = useInvalidate();
  const [type, setType] = useState<AttributeType>(attribute?.type ?? initialType);
  const [name, setName] = useState(attribute?.name ?? '');
  const [key, setKey] = useSuggestedKey(name);

  const mutation = useMutation({
    mutationFn: () => (attribute ? calls.attributes.rename(attribute.id, name) : calls.attributes.create({ name, key, type })),
    onSuccess: async () => {
      await invalidate('attributes');
      onClose();
    },
  });
  const server = mutation.error ? placeErrors(mutation.error, FIELDS, ALIASES) : undefined;
  // Checked on submit, then again on every change, so a message goes as soon as it is fixed.
  const [checked, setChecked] = useState(false);
  const check = () => problemsOf({ name: requiredMessage('Name', name), key: attribute ? undefined : keyProblem(key) });
  const local: Partial<Record<(typeof FIELDS)[number], string>> = checked ? check() : {};
  const error = (field: (typeof FIELDS)[number]) => local[field] ?? server?.fields[field];
  const { ref, failed } = useFocusFirstError(mutation.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (Object.keys(check()).length > 0) return failed();
    mutation.mutate();
  }

  return (
    <form ref={ref} onSubmit={submit} onChange={clearOnEdit(mutation)} noValidate>
      {attribute ? (
        <p className="muted form-intro">
          {attribute.type === 'user' ? 'User' : 'Event'} attribute <code>{attribute.key}</code>. The key and type are fixed once created.
        </p>
      ) : (
        <SelectField
          label="Type"
          value={type}
          onChange={(e) => setType(e.target.value as AttributeType)}
          options={ATTRIBUTE_TYPES}
          error={error('type')}
          hint={
            type === 'user'
              ? 'Stored on the user (plan, region); achievements can require a value.'
              : 'Sent with a metric event (source, device); metric achievements can count only matching events.'
          }
        />
      )}
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={255} autoFocus error={error('name')} />
      {!attribute && (
        <KeyField
          value={key}
          onChange={setKey}
          error={error('key')}
          hint={
            type === 'user' ? (
              <>
                Letters, digits, - and _. Sent as <code>user.attributes.{key || 'key'}</code>. It cannot change later.
              </>
            ) : (
              <>
                Letters, digits, - and _. Sent as <code>attributes.{key || 'key'}</code> on an event. It cannot change later.
              </>
            )
          }
        />
      )}
      {server?.form && <Notice kind="error">{server.form}</Notice>}
      <FormActions submitLabel={attribute ? 'Save changes' : 'Create attribute'} pending={mutation.isPending} onCancel={onClose} />
    </form>
  );
}
