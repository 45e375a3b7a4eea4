/** A DATABASE_URL for logs and messages: never print a password. */
export function describeDatabaseUrl(databaseUrl: string): string {
  return databaseUrl.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
