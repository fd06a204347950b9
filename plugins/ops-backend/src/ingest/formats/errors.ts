/**
 * Thrown when a body as a whole has the wrong shape (not an object, the
 * list of alerts or signals missing, an unsupported version, a bad
 * PagerDuty event). Item-level problems of batch formats never throw: they
 * are reported in `ParsedBody.rejected`.
 *
 * The message is `<field>: <reason>`, e.g. `alerts: expected an array`, so
 * that the router can pass it on unchanged in an `InputError`.
 */
export class BodyShapeError extends Error {
  readonly reason: string;

  constructor(public readonly field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'BodyShapeError';
    this.reason = reason;
  }
}

/**
 * Internal: one item of a batch is invalid. Caught per item and turned into
 * a `rejected` entry; never leaves this folder.
 */
export class ItemError extends Error {
  constructor(public readonly field: string, public readonly reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'ItemError';
  }
}
