/** The Admin API's list and bulk conventions, as the configuration pages use them. */
import { ApiError, type AdminIssue, type EnvironmentApi } from './client';

const PAGE_SIZE = 100;
// A safety stop for listAll: 5,000 objects is far beyond what one environment configures.
const MAX_PAGES = 50;

/** Configuration lists are short but paginated by the API (at most 100 per call): read them whole. */
export async function listAll<T>(api: EnvironmentApi, path: string): Promise<T[]> {
  const all: T[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const items = await api.get<T[]>(path, { limit: PAGE_SIZE, skip: page * PAGE_SIZE });
    all.push(...items);
    if (items.length < PAGE_SIZE) break;
  }
  return all;
}

/**
 * The bulk Admin routes answer 200 with issues when nothing was applied. A form changes one item,
 * so its issues become an error; they are joined with "; " like the server's 422 messages, so the
 * form can place each next to its field.
 */
export function onlyItem<T>(items: readonly T[], issues: readonly AdminIssue[]): T {
  const item = items[0];
  if (item !== undefined) return item;
  const messages = issues.filter((issue) => issue.severity === 'error').map((issue) => issue.message);
  throw new ApiError(422, messages.join('; ') || 'The server did not apply the change.');
}

/** A bulk create, update or delete of one item, answered with that item (or its issue as an error). */
export const created = async <T>(answer: Promise<{ created: T[]; issues: AdminIssue[] }>) => {
  const { created, issues } = await answer;
  return onlyItem(created, issues);
};
export const updated = async <T>(answer: Promise<{ updated: T[]; issues: AdminIssue[] }>) => {
  const { updated, issues } = await answer;
  return onlyItem(updated, issues);
};
export const deleted = async (answer: Promise<{ deleted: { id: string }[]; issues: AdminIssue[] }>) => {
  const { deleted, issues } = await answer;
  return onlyItem(deleted, issues);
};
