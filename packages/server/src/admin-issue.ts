/**
 * A per-item problem in a bulk Admin API answer (Trophy's AdminIssue): the request goes on
 * without that item. `index` names an item by position (creates), `id` or `userId` by what it
 * is about.
 */
export interface AdminIssue {
  id?: string;
  userId?: string;
  index?: number;
  severity: 'error' | 'warning';
  message: string;
}
