import type { KeyValue } from '../../api/config';

/** Attribute filters in a table cell: "Users with plan = pro". */
export function FilterChips({ label, filters }: { label: string; filters: readonly KeyValue[] }) {
  if (filters.length === 0) return null;
  return (
    <div className="cell-sub filter-chips">
      {label}{' '}
      {filters.map((filter) => (
        <code key={filter.key} className="chip">
          {filter.key} = {filter.value}
        </code>
      ))}
    </div>
  );
}
