import type { ReactNode } from 'react';

/** A column heading: its text, or a right-aligned one over numbers, or one named for screen readers only. */
type Column = string | { label: string; numeric?: boolean; hidden?: boolean };

/** The column of a row's buttons. */
export const ACTIONS_COLUMN: Column = { label: 'Actions', hidden: true };

/**
 * A table under one row of column headings (a `false` column is left out). A list page's table scrolls
 * in a frame of its own; a `compact` one sits in a card, which frames it, with tighter cells. Either
 * scrolls sideways inside its own box on a narrow screen, never the page.
 */
export function Table({ columns, compact, className, children }: { columns: readonly (Column | false)[]; compact?: boolean; className?: string; children: ReactNode }) {
  const table = (
    <table className={['table', compact && 'table-compact', className].filter(Boolean).join(' ')}>
      <thead>
        <tr>
          {columns.map((column) => column !== false && <Heading key={typeof column === 'string' ? column : column.label} column={column} />)}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return <div className={compact ? 'table-scroll' : 'table-wrap'}>{table}</div>;
}

function Heading({ column }: { column: Column }) {
  if (typeof column === 'string') return <th scope="col">{column}</th>;
  return (
    <th scope="col" className={column.numeric ? 'numeric' : undefined}>
      {column.hidden ? <span className="visually-hidden">{column.label}</span> : column.label}
    </th>
  );
}

/** A row's Edit and Delete buttons, named after the row ("Edit Lessons completed") for screen readers. */
export function EditDeleteButtons({ name, onEdit, onDelete }: { name: string; onEdit: () => void; onDelete: () => void }) {
  return (
    <>
      <button type="button" className="button button-small" aria-label={`Edit ${name}`} onClick={onEdit}>
        Edit
      </button>{' '}
      <button type="button" className="button button-small button-ghost-danger" aria-label={`Delete ${name}`} onClick={onDelete}>
        Delete
      </button>
    </>
  );
}
