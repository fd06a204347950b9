import {
  createExtensionPoint,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Incident } from '@operable/backstage-plugin-ops-common';
import { z } from 'zod';

/**
 * What an action's handler gets: its validated input and the facts of the
 * run it is a step of.
 *
 * @public
 */
export interface OpsActionContext<TInput> {
  input: TInput;
  logger: LoggerService;
  /** The incident the run answers. */
  incident: Incident;
  /** The catalog entity that fails, when the catalog still has it. */
  entity?: Entity;
  /** The ops agent running the step (entity ref), when the entity names one. */
  agentRef?: string;
  /**
   * The secrets of the agent from config (`ops.agent.secrets`). Whatever an
   * action returns or throws has these values redacted before it is
   * recorded.
   */
  secrets: Readonly<Record<string, string>>;
  /** Aborted on timeout, cancel, or when the replica loses the run's lease. */
  signal: AbortSignal;
  /**
   * Stable across retries and replica takeovers of the same step of the same
   * run: send it with every outbound call (an `Idempotency-Key` header) so
   * that the target can ignore a repeat.
   */
  idempotencyKey: string;
  /** A dry run: an action with side effects must describe, not act. */
  dryRun: boolean;
  runId: string;
  stepId: string;
}

/**
 * A diagnostic, remediation or verification action that runbook steps name by
 * id, like a scaffolder action. Actions never execute shell commands.
 *
 * @public
 */
export interface OpsAction<
  TInput extends z.ZodTypeAny = z.ZodTypeAny,
  TOutput extends z.ZodTypeAny = z.ZodTypeAny,
> {
  /** Namespaced id, e.g. `http:request` or `kubernetes:restart-deployment`. */
  id: string;
  description: string;
  schema: {
    input: TInput;
    output?: TOutput;
  };
  /**
   * `true` for actions without side effects (diagnostics, verification):
   * they run in dry runs too. Actions with side effects are called with
   * `dryRun: true` there and must not act.
   */
  readOnly?: boolean;
  handler(ctx: OpsActionContext<z.output<TInput>>): Promise<z.input<TOutput>>;
}

/**
 * Creates an action for {@link opsActionsExtensionPoint}; the identity
 * function, there for the types.
 *
 * @public
 */
export function createOpsAction<
  TInput extends z.ZodTypeAny,
  TOutput extends z.ZodTypeAny = z.ZodUnknown,
>(action: OpsAction<TInput, TOutput>): OpsAction<TInput, TOutput> {
  return action;
}

/**
 * Where backend modules add actions for runbooks.
 *
 * @public
 */
export interface OpsActionsExtensionPoint {
  addActions(...actions: OpsAction<any, any>[]): void;
}

/**
 * The extension point of the ops backend for runbook actions:
 *
 * ```ts
 * createBackendModule({
 *   pluginId: 'ops',
 *   moduleId: 'my-actions',
 *   register(env) {
 *     env.registerInit({
 *       deps: { actions: opsActionsExtensionPoint },
 *       async init({ actions }) {
 *         actions.addActions(myRestartAction);
 *       },
 *     });
 *   },
 * });
 * ```
 *
 * @public
 */
export const opsActionsExtensionPoint =
  createExtensionPoint<OpsActionsExtensionPoint>({
    id: 'ops.actions',
  });
