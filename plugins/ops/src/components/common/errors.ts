/**
 * The HTTP status a failed call answered with, when it was the backend that
 * refused it (a `ResponseError`, or anything else carrying `statusCode`).
 */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) {
    return undefined;
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The message the backend gave, else the error's own. */
export function messageOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) {
    return String(error);
  }
  const cause = (error as { cause?: { message?: unknown } }).cause;
  if (cause && typeof cause.message === 'string') {
    return cause.message;
  }
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? message : String(error);
}
