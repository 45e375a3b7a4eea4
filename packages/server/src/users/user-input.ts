/** The writable fields of a user as the API accepts them (Trophy's UpdatedUser; UpsertedUser adds `id`). */
export interface UserFields {
  email?: string | null | undefined;
  name?: string | null | undefined;
  tz?: string | null | undefined;
  deviceTokens?: string[] | null | undefined;
  subscribeToEmails?: boolean | undefined;
  attributes?: Record<string, string> | undefined;
  /** `YYYY-MM-DD` (the HTTP layer turns a date-time into its UTC day); null clears it. */
  signUpDate?: string | null | undefined;
}

export interface UpsertedUserInput extends UserFields {
  id: string;
}
