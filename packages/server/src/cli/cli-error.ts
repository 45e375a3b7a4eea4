/**
 * A failure the CLI reports as `laurel: <message>` on stderr before exiting with `exitCode`:
 * 1 when the command ran and failed (the server refused, a webhook did not answer 2xx), 2 when
 * it was used wrongly (the same code commander's own usage errors exit with here).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const USAGE = 2;
