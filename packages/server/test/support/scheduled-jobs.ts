import type { TestLaurel } from './laurel.js';

/** When the environment's scheduled job of this kind for `subject` is due; undefined when there is none. */
export async function dueAt(laurel: TestLaurel, environmentId: string, kind: string, subject: string): Promise<number | undefined> {
  const row = await laurel.backend.db
    .selectFrom('scheduled_jobs')
    .select('due_at')
    .where('environment_id', '=', environmentId)
    .where('kind', '=', kind)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.due_at);
}
