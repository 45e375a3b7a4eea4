import { validate as isUuid } from 'uuid';
import type { AdminIssue } from '../admin-issue.js';

/** The issue for an id a PATCH or DELETE names that does not exist (Trophy: "Level not found by ID"). */
export function notFoundIssue(id: string, what: string): AdminIssue {
  return { id, severity: 'error', message: isUuid(id) ? `${what} not found by ID` : 'id must be a valid UUID' };
}

/** The issue for an id a PATCH names twice: only its first change is applied. */
export function repeatedIdIssue(id: string): AdminIssue {
  return { id, severity: 'error', message: 'ID appears more than once in this request; only its first change was applied' };
}
