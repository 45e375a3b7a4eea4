import { useState } from 'react';
import type { Attribute, AttributeType } from '../../api/config';
import { DeleteDialog } from '../../ui/dialog';
import { EmptyState, ErrorNotice, Loading } from '../../ui/feedback';
import { PageHeader } from '../../ui/misc';
import { ACTIONS_COLUMN, EditDeleteButtons, Table } from '../../ui/table';
import { Tabs } from '../../ui/tabs';
import { AttributeDialog } from './attributes/AttributeDialog';
import { useAttributes, useConfigApi, useInvalidate } from './queries';

type Editing = { kind: 'create' } | { kind: 'edit'; attribute: Attribute } | { kind: 'delete'; attribute: Attribute };

const ABOUT: Record<AttributeType, { empty: string; example: string }> = {
  user: {
    empty: 'User attributes describe your users (plan, region). Declare a key here, then send it in user.attributes; achievements can be limited to users with a value.',
    example: '"user": { "id": "user-1", "attributes": { "plan": "pro" } }',
  },
  event: {
    empty: 'Event attributes describe one metric event (source, device). Declare a key here, then send it in the event’s attributes; metric achievements can count only matching events.',
    example: '"attributes": { "source": "mobile" }',
  },
};

export default function AttributesPage() {
  const attributes = useAttributes();
  const { calls } = useConfigApi();
  const invalidate = useInvalidate();
  const [type, setType] = useState<AttributeType>('user');
  const [editing, setEditing] = useState<Editing>();
  const close = () => setEditing(undefined);
  const ofType = (t: AttributeType) => attributes.data?.filter((attribute) => attribute.type === t) ?? [];
  const shown = ofType(type);

  return (
    <>
      <PageHeader
        title="Attributes"
        description="The attribute keys this environment accepts on users and on metric events. A key that is not declared here is refused."
        actions={
          <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
            Create attribute
          </button>
        }
      />
      <Tabs
        label="Kinds of attribute"
        value={type}
        onChange={setType}
        tabs={[
          { value: 'user', label: `User attributes (${ofType('user').length})` },
          { value: 'event', label: `Event attributes (${ofType('event').length})` },
        ]}
      >
        {attributes.isPending ? (
          <Loading what="attributes" />
        ) : attributes.isError ? (
          <ErrorNotice error={attributes.error} title="Could not load attributes" onRetry={() => attributes.refetch()} />
        ) : shown.length === 0 ? (
          <EmptyState
            title={`No ${type} attributes yet`}
            action={
              <button type="button" className="button" onClick={() => setEditing({ kind: 'create' })}>
                Create {type} attribute
              </button>
            }
          >
            <p>{ABOUT[type].empty}</p>
            <code>{ABOUT[type].example}</code>
          </EmptyState>
        ) : (
          <Table columns={['Name', 'Key', ACTIONS_COLUMN]}>
            {shown.map((attribute) => (
              <tr key={attribute.id}>
                <td className="cell-title">{attribute.name}</td>
                <td className="mono">{attribute.key}</td>
                <td className="actions">
                  <EditDeleteButtons name={attribute.name} onEdit={() => setEditing({ kind: 'edit', attribute })} onDelete={() => setEditing({ kind: 'delete', attribute })} />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Tabs>

      {editing?.kind === 'create' && <AttributeDialog type={type} onClose={close} />}
      {editing?.kind === 'edit' && <AttributeDialog attribute={editing.attribute} type={editing.attribute.type} onClose={close} />}
      {editing?.kind === 'delete' && (
        <DeleteDialog
          title={`Delete ${editing.attribute.name}?`}
          confirmLabel="Delete attribute"
          onClose={close}
          remove={async () => {
            await calls.attributes.remove(editing.attribute.id);
            await invalidate('attributes');
          }}
        >
          <p>
            Values already stored on users and events are kept, but new writes that use <code>{editing.attribute.key}</code> will be refused
            with 400 until it is declared again. Achievement filters on it stay as they are.
          </p>
        </DeleteDialog>
      )}
    </>
  );
}
