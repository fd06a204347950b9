import { InputError, NotFoundError } from '@backstage/errors';
import { ActionDescription } from '@operable/backstage-plugin-ops-common';
import {
  OpsAction,
  OpsActionContext,
} from '@operable/backstage-plugin-ops-node';
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import {
  abortReason,
  ActionAbortedError,
  ActionTimeoutError,
  raceAbort,
} from './errors';
import { redactError, redactSecrets } from './redactSecrets';

/** The facts of a step an action is executed for: its context without the input. */
export type ActionExecutionContext = Omit<OpsActionContext<unknown>, 'input'>;

/** How one execution is bounded. */
export interface ActionExecutionOptions {
  /**
   * Longest the handler may take. When it passes, the handler's signal
   * aborts and the execution fails with an `ActionTimeoutError`.
   */
  timeoutMs?: number;
}

// The same shape as a runbook step's `action`, so that every registered
// action can be named by a runbook.
const ACTION_ID = /^[a-z][a-z0-9-]*(:[a-z][a-zA-Z0-9-]*)+$/;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(issue =>
      issue.path.length
        ? `${issue.path.join('.')}: ${issue.message}`
        : issue.message,
    )
    .join('; ');
}

function toJsonSchema(schema: z.ZodTypeAny): unknown {
  const { $schema, ...rest } = zodToJsonSchema(schema, {
    $refStrategy: 'none',
  }) as Record<string, unknown>;
  return rest;
}

function isZodSchema(value: unknown): value is z.ZodTypeAny {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as z.ZodTypeAny).safeParseAsync === 'function'
  );
}

/**
 * The actions runbook steps can name: the built-in ones and those that
 * modules add through `opsActionsExtensionPoint`. Executing an action
 * validates its input and output and redacts the context's secrets from
 * what it returns and throws.
 */
export class ActionRegistry {
  private readonly actions = new Map<string, OpsAction>();
  private readonly descriptions = new Map<string, ActionDescription>();

  /** Adds actions; an id that is taken, malformed, or a schema that is not zod fails. */
  add(...actions: OpsAction<any, any>[]): void {
    for (const action of actions) {
      const id = action?.id;
      if (typeof id !== 'string' || !ACTION_ID.test(id)) {
        throw new Error(
          `Invalid action id ${JSON.stringify(
            id,
          )}: expected a namespaced id such as http:request or kubernetes:restart-deployment`,
        );
      }
      if (this.actions.has(id)) {
        throw new Error(
          `An action with the id ${id} is already registered; action ids must be unique, so pick another namespace for yours`,
        );
      }
      if (!isZodSchema(action.schema?.input)) {
        throw new Error(`Action ${id} needs a zod schema as schema.input`);
      }
      if (
        action.schema.output !== undefined &&
        !isZodSchema(action.schema.output)
      ) {
        throw new Error(
          `Action ${id} has a schema.output that is not a zod schema`,
        );
      }
      if (typeof action.handler !== 'function') {
        throw new Error(`Action ${id} has no handler`);
      }
      this.actions.set(id, action);
      this.descriptions.set(id, {
        id,
        description: action.description,
        inputSchema: toJsonSchema(action.schema.input),
        ...(action.schema.output
          ? { outputSchema: toJsonSchema(action.schema.output) }
          : {}),
        readOnly: action.readOnly ?? false,
      });
    }
  }

  get(id: string): OpsAction | undefined {
    return this.actions.get(id);
  }

  /** Every action, by id, with JSON schemas of its input and output. */
  list(): ActionDescription[] {
    return [...this.descriptions.values()].sort((a, b) =>
      a.id.localeCompare(b.id),
    );
  }

  /**
   * Runs an action: validates `rawInput` with its input schema (an
   * `InputError` naming the fields otherwise), calls the handler with the
   * context, stops waiting as soon as the context's signal aborts or the
   * timeout passes, validates the output when the action has an output
   * schema, and returns the output with the context's secrets redacted.
   * Whatever it throws has them redacted too.
   */
  async execute(
    id: string,
    rawInput: unknown,
    context: ActionExecutionContext,
    options: ActionExecutionOptions = {},
  ): Promise<unknown> {
    const action = this.actions.get(id);
    if (!action) {
      throw new NotFoundError(
        `No action ${id}; the registered actions are ${
          [...this.actions.keys()].sort().join(', ') || 'none'
        }`,
      );
    }
    try {
      return redactSecrets(
        await this.run(action, rawInput, context, options),
        context.secrets,
      );
    } catch (error) {
      throw redactError(error, context.secrets);
    }
  }

  private async run(
    action: OpsAction,
    rawInput: unknown,
    context: ActionExecutionContext,
    options: ActionExecutionOptions,
  ): Promise<unknown> {
    const parsed = await action.schema.input.safeParseAsync(rawInput ?? {});
    if (!parsed.success) {
      throw new InputError(
        `Invalid input for action ${action.id}: ${describeIssues(
          parsed.error,
        )}`,
      );
    }

    const timeout = new AbortController();
    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(
            () =>
              timeout.abort(
                new ActionTimeoutError(
                  `Action ${action.id} timed out after ${options.timeoutMs} ms`,
                ),
              ),
            options.timeoutMs,
          )
        : undefined;
    const signal = AbortSignal.any([context.signal, timeout.signal]);
    const stopped = () =>
      timeout.signal.aborted
        ? (timeout.signal.reason as ActionTimeoutError)
        : new ActionAbortedError(
            `Action ${action.id} was aborted: ${abortReason(context.signal)}`,
          );
    try {
      if (signal.aborted) throw stopped();
      const output = await raceAbort(
        Promise.resolve().then(() =>
          action.handler({ ...context, signal, input: parsed.data }),
        ),
        signal,
        stopped,
      );
      if (!action.schema.output) return output;
      const checked = await action.schema.output.safeParseAsync(output);
      if (!checked.success) {
        throw new Error(
          `Action ${
            action.id
          } returned an output that does not match its output schema: ${describeIssues(
            checked.error,
          )}`,
        );
      }
      return checked.data;
    } finally {
      clearTimeout(timer);
    }
  }
}
