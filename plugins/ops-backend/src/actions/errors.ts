import { CustomErrorBase } from '@backstage/errors';

/** An action, or one call it made, took longer than it was given. */
export class ActionTimeoutError extends CustomErrorBase {
  name = 'ActionTimeoutError' as const;
}

/**
 * An action was stopped from outside: the run was cancelled, or its replica
 * lost the run's lease. The abort reason is the cause.
 */
export class ActionAbortedError extends CustomErrorBase {
  name = 'ActionAbortedError' as const;
}

/** The words of an abort signal's reason, for error messages. */
export function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) {
    // The default reason of AbortController.abort() says nothing useful.
    return reason.name === 'AbortError' ? 'aborted' : reason.message;
  }
  return reason === undefined ? 'aborted' : String(reason);
}

/**
 * Settles like `promise`, or rejects with `onAbort()` as soon as `signal`
 * aborts, whichever comes first. The promise is left to finish on its own.
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  onAbort: () => Error,
): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(onAbort());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      value => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      error => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
