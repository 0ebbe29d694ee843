/** A message whose type is unknown or whose payload breaks its schema: no retry will fix it. */
export class InvalidEventError extends Error {
  constructor(
    readonly eventType: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid ${eventType} event: ${issues.join('; ')}`);
    this.name = 'InvalidEventError';
  }
}
