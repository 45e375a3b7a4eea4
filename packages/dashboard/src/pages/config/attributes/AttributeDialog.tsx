import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Attribute, AttributeType } from '../../../api/config';
import { Modal } from '../../../ui/dialog';
import { Notice } from '../../../ui/feedback';
import { clearOnEdit, FormActions, SelectField, TextField } from '../../../ui/form';
import { placeErrors } from '../../../ui/server-errors';
import { KEY_IN_USE, KeyField, useSuggestedKey } from '../key';
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
  const errors = mutation.error ? placeErrors(mutation.error, FIELDS, ALIASES) : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    mutation.mutate();
  }

  return (
    <form onSubmit={submit} onChange={clearOnEdit(mutation)} noValidate>
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
          error={errors?.fields.type}
          hint={
            type === 'user'
              ? 'Stored on the user (plan, region); achievements can require a value.'
              : 'Sent with a metric event (source, device); metric achievements can count only matching events.'
          }
        />
      )}
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={255} autoFocus error={errors?.fields.name} />
      {!attribute && (
        <KeyField
          value={key}
          onChange={setKey}
          error={errors?.fields.key}
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
      {errors?.form && <Notice kind="error">{errors.form}</Notice>}
      <FormActions submitLabel={attribute ? 'Save changes' : 'Create attribute'} pending={mutation.isPending} onCancel={onClose} />
    </form>
  );
}
