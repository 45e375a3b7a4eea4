/**
 * A points configuration request that cannot be applied as sent: a field combination the rules
 * forbid, or an id of a metric, achievement or attribute that the environment does not have.
 * Each problem names the item and field (`body[0].triggers[1].metricId: ...`). Thrown inside the
 * request's transaction, so nothing of the request is written; the HTTP layer answers 422.
 */
export class InvalidPointsConfig extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'InvalidPointsConfig';
  }
}

/** Collects the problems of one request and throws them all at once, so a client fixes them in one go. */
export class Problems {
  private readonly found: string[] = [];

  add(where: string, field: string, message: string): void {
    this.found.push(`${where}.${field}: ${message}`);
  }

  get any(): boolean {
    return this.found.length > 0;
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new InvalidPointsConfig(this.found);
  }
}
