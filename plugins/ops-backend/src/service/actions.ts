import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ActionsRegistryActionOptions,
  ActionsRegistryService,
} from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  toError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  CAUSE_CATEGORIES,
  DRAFT_STATUSES,
  DraftStatus,
  EntityHealth,
  EntityRunbooks,
  HEALTH_STATES,
  INCIDENT_STATUSES,
  Incident,
  IncidentDetails,
  IncidentStatus,
  LAYERS,
  RUN_STATUSES,
  ResolutionBody,
  Run,
  RunbookDraft,
  SEVERITIES,
  TIERS,
  Tier,
  TimelineEvent,
  opsHealthReadPermission,
  opsIncidentReadPermission,
  opsIncidentUpdatePermission,
  opsLearningReadPermission,
  opsRunExecutePermission,
  opsRunbookReadPermission,
  resolutionSchema,
} from '@operable/backstage-plugin-ops-common';
import { NewTimelineEvent } from '../incidents';

/*
 * The suite's actions for Backstage's actions registry, which the MCP actions
 * plugin offers to AI assistants. An assistant is held to what a person is
 * held to: every action gets the caller's credentials, authorizes the
 * permission its HTTP endpoint checks, and records the caller as the actor
 * wherever the endpoint does. The writes are the safe ones only: a note, a
 * proposed resolution a person may adopt, a dry run; each is an audit event.
 */

/** The `zod` the registry hands to schema factories (its own copy, zod/v3). */
type Zod = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

/** What the actions read and do to incidents (the IncidentService). */
export interface IncidentActionsSource {
  list(filter: {
    entityRefs?: string[];
    owners?: string[];
    tiers?: Tier[];
    statuses?: IncidentStatus[];
    openedAfter?: Date;
    openedBefore?: Date;
    limit?: number;
    offset?: number;
  }): Promise<{ items: Incident[]; totalCount: number }>;
  details(id: string): Promise<IncidentDetails>;
  addNote(id: string, actor: string, message: string): Promise<TimelineEvent>;
  /** Adds an entry to the timeline and tells open pages. */
  record(incident: Incident, event: NewTimelineEvent): Promise<TimelineEvent>;
}

/** The filter of the learning loop's review queue. */
export interface RunbookDraftFilter {
  entityRef?: string;
  owner?: string;
  status?: DraftStatus[];
  limit: number;
  offset: number;
}

/**
 * The learning loop's review queue of runbook drafts, newest first
 * (`DraftReviewService` is one).
 */
export interface RunbookDraftQueue {
  list(
    filter: RunbookDraftFilter,
  ): Promise<{ items: RunbookDraft[]; totalCount: number }>;
}

export interface OpsActionsOptions {
  permissions: PermissionsService;
  /** Records every write, refused and failed ones included. */
  auditor: AuditorService;
  incidents: IncidentActionsSource;
  health: { getEntityHealth(entityRef: string): Promise<EntityHealth> };
  /** Resolves full and short entity references against the catalog. */
  entities: {
    get(): Promise<{ resolve(reference: string): { ref: string } | undefined }>;
  };
  runbooks: { forEntity(entityRef: string): Promise<EntityRunbooks> };
  agent: {
    startByHand(
      incidentId: string,
      runbookId: string,
      options: { dryRun: boolean; requestedBy: string },
    ): Promise<Run>;
  };
  /** The review queue; `list-runbook-drafts` is registered only with one. */
  drafts?: RunbookDraftQueue;
}

/** The names of the actions, as the registry and MCP tools know them (`ops.<name>`). */
export const OPS_ACTION_NAMES = [
  'list-incidents',
  'get-incident',
  'get-entity-health',
  'list-runbooks',
  'list-runbook-drafts',
  'add-incident-note',
  'propose-resolution',
  'dry-run-runbook',
] as const;

/** Who acted, as the HTTP endpoints record it. */
function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? `service:${principal.subject ?? 'unknown'}`;
}

const READ = { readOnly: true, destructive: false, idempotent: true };
/** Adds to what exists, never changes or removes it; each call adds again. */
const ADD = { readOnly: false, destructive: false, idempotent: false };

// Output shapes, complete: the registry keeps only the keys a schema names.

function incidentShape(z: Zod) {
  return z.object({
    id: z.string(),
    entityRef: z.string(),
    fingerprint: z.string(),
    title: z.string(),
    name: z.string().optional(),
    labels: z.record(z.string()).optional(),
    layer: z.enum(LAYERS),
    tier: z.enum(TIERS),
    status: z.enum(INCIDENT_STATUSES),
    severity: z.enum(SEVERITIES),
    blastRadius: z.array(z.string()),
    openedAt: z.string(),
    updatedAt: z.string(),
    resolvedAt: z.string().optional(),
    acknowledgedBy: z.string().optional(),
    resolvedBy: z.string().optional(),
  });
}

function timelineEventShape(z: Zod) {
  return z.object({
    id: z.number(),
    incidentId: z.string(),
    at: z.string(),
    type: z.enum([
      'opened',
      'signal',
      'reopened',
      'status',
      'tier',
      'note',
      'action',
      'page',
      'resolution',
    ]),
    actor: z.string().optional(),
    message: z.string(),
    data: z.record(z.unknown()).optional(),
  });
}

function runShape(z: Zod) {
  return z.object({
    id: z.string(),
    incidentId: z.string(),
    entityRef: z.string(),
    runbookId: z.string(),
    runbookVersion: z.string(),
    runbookTitle: z.string().optional(),
    agentRef: z.string().optional(),
    status: z.enum(RUN_STATUSES),
    dryRun: z.boolean(),
    reason: z.string().optional(),
    requestedBy: z.string().optional(),
    decidedBy: z.string().optional(),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
  });
}

function problemShape(z: Zod) {
  return z.object({
    location: z.string(),
    line: z.number().optional(),
    column: z.number().optional(),
    message: z.string(),
    runbookId: z.string().optional(),
  });
}

function signatureShape(z: Zod) {
  return z.object({
    key: z.string(),
    scope: z.enum(['entity', 'type']),
    subject: z.string(),
    layer: z.string(),
    names: z.array(z.string()),
    labels: z.record(z.string()),
  });
}

/**
 * One of ops-common's schemas inside a schema of the registry. The registry's
 * zod is another copy of zod v3: it parses with our schema and describes it
 * in JSON Schema alike, but the two copies' types do not unify, so the value
 * is typed unknown here and the handler parses it again with the schema.
 */
function asRegistryZod(schema: {
  describe(text: string): unknown;
}): ReturnType<Zod['unknown']> {
  return schema as ReturnType<Zod['unknown']>;
}

/** An owner as stored: a full, lower-case ref; a bare name is a group. */
function ownerRef(value: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    throw new InputError(`owner: ${value} is not an entity reference`);
  }
}

function entityRefInput(z: Zod) {
  return z
    .string()
    .trim()
    .min(1)
    .describe(
      'The entity, by full reference (component:default/checkout-api) or by name (checkout-api)',
    );
}

/**
 * Registers the suite's read actions and safe write actions with the
 * actions registry, under the permissions of the matching HTTP endpoints.
 */
export function registerOpsActions(
  registry: ActionsRegistryService,
  options: OpsActionsOptions,
): void {
  const { permissions, auditor, incidents } = options;

  /**
   * Refuses the caller unless the permission allows; returns who acts.
   * The same check as the endpoint's, on the credentials the registry got.
   */
  async function authorize(
    action: string,
    permission: BasicPermission,
    credentials: BackstageCredentials,
    logger: LoggerService,
  ): Promise<string> {
    const actor = actorOf(credentials);
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      logger.info(
        `Action ${action} refused for ${actor}: not allowed ${permission.name}`,
        { action, actor, permission: permission.name },
      );
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
    return actor;
  }

  /**
   * Runs a write as an audit event: initiated, then succeeded or failed (a
   * refusal too). The registry hands an action no request, from which the
   * auditor would take the actor, so the meta names who acted.
   */
  async function audited<T>(
    action: string,
    credentials: BackstageCredentials,
    meta: JsonObject,
    write: () => Promise<T>,
    outcome: (result: T) => JsonObject,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId: action,
      severityLevel: 'medium',
      meta: { actor: actorOf(credentials), via: 'actions-registry', ...meta },
    });
    try {
      const result = await write();
      await event.success({ meta: outcome(result) });
      return result;
    } catch (error) {
      await event.fail({ error: toError(error) });
      throw error;
    }
  }

  async function resolveEntity(reference: string): Promise<string> {
    const entity = (await options.entities.get()).resolve(reference);
    if (!entity) {
      throw new NotFoundError(`No entity ${reference} in the catalog`);
    }
    return entity.ref;
  }

  registry.register({
    name: 'list-incidents',
    title: 'List incidents',
    description: `Lists incidents of the software catalog's entities, newest first, with the total count.
An incident is a failure of one entity (a service, a database, an ops agent) built from correlated alerts and health changes. Its tier says who answers it: routine (a runbook matches and the entity's ops agent heals it), novel (no runbook; the owning team is paged), systemic (it crosses products or hits shared platform: platform and architects are paged). Status is open, acknowledged or resolved.
Use this to answer "what is broken", "what is open for team X or service Y", "what happened last night". Filters combine with AND; each list filter matches any of its values. Then use get-incident for the timeline and blast radius of one.`,
    attributes: READ,
    schema: {
      input: z =>
        z
          .object({
            entityRef: z
              .array(z.string().trim().min(1))
              .optional()
              .describe(
                'Only incidents of these entities, by full reference (component:default/checkout-api) or name',
              ),
            owner: z
              .array(z.string().trim().min(1))
              .optional()
              .describe(
                'Only incidents of entities owned by these groups (group:default/payments, or payments)',
              ),
            tier: z.array(z.enum(TIERS)).optional(),
            status: z
              .array(z.enum(INCIDENT_STATUSES))
              .optional()
              .describe(
                'e.g. ["open", "acknowledged"] for everything unresolved',
              ),
            from: z
              .string()
              .datetime({ offset: true })
              .optional()
              .describe('Opened at or after this time (ISO 8601)'),
            to: z
              .string()
              .datetime({ offset: true })
              .optional()
              .describe('Opened before this time (ISO 8601)'),
            limit: z.number().int().min(1).max(500).default(20),
            offset: z.number().int().min(0).default(0),
          })
          .strict(),
      output: z =>
        z.object({
          items: z.array(incidentShape(z)),
          totalCount: z.number(),
        }),
    },
    action: async ({ input, credentials, logger }) => {
      await authorize(
        'list-incidents',
        opsIncidentReadPermission,
        credentials,
        logger,
      );
      const index = input.entityRef ? await options.entities.get() : undefined;
      const list = await incidents.list({
        entityRefs: input.entityRef?.map(
          ref => index?.resolve(ref)?.ref ?? ref.toLocaleLowerCase('en-US'),
        ),
        owners: input.owner?.map(ownerRef),
        tiers: input.tier,
        statuses: input.status,
        openedAfter: input.from ? new Date(input.from) : undefined,
        openedBefore: input.to ? new Date(input.to) : undefined,
        limit: input.limit,
        offset: input.offset,
      });
      return { output: list };
    },
  });

  registry.register({
    name: 'get-incident',
    title: 'Get an incident with its timeline and blast radius',
    description: `Gets one incident by id: its state, tier and severity; its timeline (every signal, status and tier change, note, proposed resolution, page sent, and each step of the ops agent's runs, dry runs included, oldest first); and its blast radius, the entities the failure can reach through catalog relations (dependencyOf, partOf) with their owners.
Use this to understand an incident before you suggest anything, or to read what a dry run you started did. Long timelines keep their latest entries; timelineTotal says how many there are.`,
    attributes: READ,
    schema: {
      input: z =>
        z
          .object({
            incidentId: z
              .string()
              .trim()
              .min(1)
              .describe('The id of the incident (from list-incidents)'),
            timelineLimit: z
              .number()
              .int()
              .min(1)
              .max(1000)
              .default(200)
              .describe('At most this many timeline entries, the latest'),
          })
          .strict(),
      output: z =>
        z.object({
          incident: incidentShape(z),
          timeline: z.array(timelineEventShape(z)),
          timelineTotal: z.number(),
          blastRadius: z.array(
            z.object({
              entityRef: z.string(),
              via: z.array(z.string()),
              owner: z.string().optional(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials, logger }) => {
      await authorize(
        'get-incident',
        opsIncidentReadPermission,
        credentials,
        logger,
      );
      const details = await incidents.details(input.incidentId);
      return {
        output: {
          incident: details.incident,
          timeline: details.timeline.slice(-input.timelineLimit),
          timelineTotal: details.timeline.length,
          blastRadius: details.blastRadius,
        },
      };
    },
  });

  registry.register({
    name: 'get-entity-health',
    title: 'Get the health of an entity',
    description: `Gets the health of one catalog entity on three layers: product (errors, latency, uptime, SLO burn), ai-system (the AI agents and proxies it uses, and its ops agent: erroring or drifting) and outcome (whether its business metric still moves). Each layer is healthy, degraded, failing or unknown, with the reason, since when, and its changes over the last 24 hours. greenButFailing is true when the product layer is healthy while the outcome layer fails: it works, and yet the metric that matters has stopped.
Use this to answer "is X healthy", and to check an entity before and after an incident.`,
    attributes: READ,
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }).strict(),
      output: z =>
        z.object({
          entityRef: z.string(),
          layers: z.array(
            z.object({
              layer: z.enum(LAYERS),
              state: z.enum(HEALTH_STATES),
              reason: z.string(),
              since: z.string(),
              history: z.array(
                z.object({ at: z.string(), state: z.enum(HEALTH_STATES) }),
              ),
            }),
          ),
          greenButFailing: z.boolean(),
        }),
    },
    action: async ({ input, credentials, logger }) => {
      await authorize(
        'get-entity-health',
        opsHealthReadPermission,
        credentials,
        logger,
      );
      const entityRef = await resolveEntity(input.entityRef);
      return { output: await options.health.getEntityHealth(entityRef) };
    },
  });

  registry.register({
    name: 'list-runbooks',
    title: 'List the runbooks of an entity',
    description: `Lists the runbooks that apply to one catalog entity: the encoded procedures its ops agent runs by itself for routine incidents (what each matches, its diagnostics, remediation steps, verification and limits, lifecycle draft/active/deprecated/retired), with where each was loaded from, its last runs, its 30-day success rate and its circuit breaker. problems lists the runbook files that apply to the entity but did not load, with file, line and message.
Use this to see what the agent can heal for an entity, to find the runbook id for dry-run-runbook, and to explain why an incident was or was not routine.`,
    attributes: READ,
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }).strict(),
      output: z =>
        z.object({
          runbooks: z.array(
            z.object({
              runbook: z
                .record(z.unknown())
                .describe('The runbook as its file defines it'),
              source: z.string(),
              origin: z.string(),
              loadedAt: z.string(),
              lastRuns: z.array(runShape(z)),
              successRate: z.number().optional(),
              runsLast30Days: z.number(),
              circuitBreaker: z.object({
                state: z.enum(['closed', 'open']),
                consecutiveFailures: z.number(),
                openedAt: z.string().optional(),
                resetsAt: z.string().optional(),
              }),
            }),
          ),
          problems: z.array(problemShape(z)),
        }),
    },
    action: async ({ input, credentials, logger }) => {
      await authorize(
        'list-runbooks',
        opsRunbookReadPermission,
        credentials,
        logger,
      );
      const entityRef = await resolveEntity(input.entityRef);
      return { output: await options.runbooks.forEntity(entityRef) };
    },
  });

  const drafts = options.drafts;
  if (drafts) {
    registry.register({
      name: 'list-runbook-drafts',
      title: 'List runbook drafts awaiting review',
      description: `Lists the learning loop's runbook drafts, newest first. When people resolve the same kind of incident (the same signature) the same way three times, the suite drafts a runbook from their resolutions so that the ops agent can heal it next time; the owner of the entity reviews the draft (accept, edit, reject, snooze). Each draft has the drafted runbook, the signature it matches, the incidents it was drafted from, and the steps that still need a person to turn free text into actions.
Use this to see what a team should review, or what the agent is about to learn. Reviewing is for people; this only reads. By default it lists pending drafts.`,
      attributes: READ,
      schema: {
        input: z =>
          z
            .object({
              entityRef: z
                .string()
                .trim()
                .min(1)
                .optional()
                .describe(
                  'Only drafts for this entity, by full reference or name',
                ),
              owner: z
                .string()
                .trim()
                .min(1)
                .optional()
                .describe(
                  'Only drafts this group reviews (group:default/payments, or payments)',
                ),
              status: z.array(z.enum(DRAFT_STATUSES)).default(['pending']),
              limit: z.number().int().min(1).max(500).default(20),
              offset: z.number().int().min(0).default(0),
            })
            .strict(),
        output: z =>
          z.object({
            items: z.array(
              z.object({
                id: z.string(),
                status: z.enum(DRAFT_STATUSES),
                runbook: z.record(z.unknown()),
                signature: signatureShape(z),
                entityRef: z.string(),
                owner: z.string(),
                provenance: z.object({
                  incidentIds: z.array(z.string()),
                  actions: z.array(z.record(z.unknown())),
                  entityRefs: z.array(z.string()).optional(),
                  resolutions: z.number().optional(),
                }),
                reason: z.string().optional(),
                snoozedUntil: z.string().optional(),
                decidedBy: z.string().optional(),
                createdAt: z.string(),
                updatedAt: z.string(),
                manualSteps: z.array(z.string()),
              }),
            ),
            totalCount: z.number(),
          }),
      },
      action: async ({ input, credentials, logger }) => {
        await authorize(
          'list-runbook-drafts',
          opsLearningReadPermission,
          credentials,
          logger,
        );
        const list = await drafts.list({
          entityRef: input.entityRef
            ? await resolveEntity(input.entityRef)
            : undefined,
          owner: input.owner ? ownerRef(input.owner) : undefined,
          status: input.status,
          limit: input.limit,
          offset: input.offset,
        });
        return { output: list };
      },
    });
  }

  registry.register({
    name: 'add-incident-note',
    title: 'Add a note to an incident',
    description: `Adds a note to the timeline of an incident, recorded as written by you (the signed-in caller). The note is seen by everyone who looks at the incident; it changes nothing else.
Use this to record a finding, a hypothesis or a link that helps the people working on the incident. Write it for them: short, factual, and say what you checked. To suggest how to resolve the incident, use propose-resolution instead.`,
    attributes: ADD,
    schema: {
      input: z =>
        z
          .object({
            incidentId: z.string().trim().min(1),
            message: z
              .string()
              .trim()
              .min(1)
              .max(10_000)
              .describe('The note, plain text or Markdown'),
          })
          .strict(),
      output: z => z.object({ event: timelineEventShape(z) }),
    },
    action: async ({ input, credentials, logger }) =>
      audited(
        'add-incident-note',
        credentials,
        { incidentId: input.incidentId },
        async () => {
          const actor = await authorize(
            'add-incident-note',
            opsIncidentUpdatePermission,
            credentials,
            logger,
          );
          const event = await incidents.addNote(
            input.incidentId,
            actor,
            input.message,
          );
          logger.info(
            `Action add-incident-note by ${actor}: note on incident ${input.incidentId}`,
            {
              action: 'add-incident-note',
              actor,
              incidentId: input.incidentId,
            },
          );
          return { output: { event } };
        },
        ({ output }) => ({ timelineEventId: output.event.id }),
      ),
  });

  registry.register({
    name: 'propose-resolution',
    title: 'Propose a resolution for an incident',
    description: `Proposes a structured resolution for an unresolved incident: the cause category, the actions to take (actions of the ops agent's registry with their inputs, such as {"action": "http:request", "input": {...}}, or {"text": "..."} where no action fits) and notes; or notActionable: true for a false alarm. It is recorded on the incident's timeline as your proposal, for a person to adopt when they resolve the incident. It does NOT resolve the incident, take any action, or page anyone.
Use this after reading the incident (get-incident) and the entity's runbooks (list-runbooks), when you can say what caused it and what fixes it. Resolutions adopted by people feed the learning loop, which drafts runbooks from repeated ones, so name actions precisely.`,
    attributes: ADD,
    schema: {
      input: z =>
        z
          .object({
            incidentId: z.string().trim().min(1),
            resolution: asRegistryZod(
              resolutionSchema.describe(
                `The proposal. cause is one of ${CAUSE_CATEGORIES.join(
                  ', ',
                )}; at least one action unless notActionable is true.`,
              ),
            ),
          })
          .strict(),
      output: z =>
        z.object({
          event: timelineEventShape(z),
          incident: incidentShape(z).describe(
            'The incident, unchanged: a proposal resolves nothing',
          ),
        }),
    },
    action: async ({ input, credentials, logger }) =>
      audited(
        'propose-resolution',
        credentials,
        { incidentId: input.incidentId },
        async () => {
          const actor = await authorize(
            'propose-resolution',
            opsIncidentUpdatePermission,
            credentials,
            logger,
          );
          // The registry parsed the input with resolutionSchema already;
          // parse again so that what is stored is ours whatever the path.
          const proposedResolution: ResolutionBody = resolutionSchema.parse(
            input.resolution,
          );
          const { incident } = await incidents.details(input.incidentId);
          if (incident.status === 'resolved') {
            throw new ConflictError(
              `Incident ${incident.id} is resolved already; a proposal can no longer be adopted`,
            );
          }
          const event = await incidents.record(incident, {
            type: 'note',
            actor,
            message: `Proposed resolution (not applied): ${describeResolution(
              proposedResolution,
            )}`,
            data: { proposedResolution },
          });
          logger.info(
            `Action propose-resolution by ${actor}: proposal on incident ${incident.id}`,
            { action: 'propose-resolution', actor, incidentId: incident.id },
          );
          return { output: { event, incident } };
        },
        ({ output }) => ({ timelineEventId: output.event.id }),
      ),
  });

  registry.register({
    name: 'dry-run-runbook',
    title: 'Dry-run a runbook for an incident',
    description: `Starts a dry run of a runbook for an incident: the ops agent runs the runbook's diagnostics (read-only checks), and its remediation steps only describe what they would send, sending nothing; verification is skipped. It never changes the entity, never resolves or escalates the incident, and is recorded on the incident's timeline as started by you. A draft runbook can be dry-run too.
Use this to check whether a runbook fits an incident before a person runs it for real. It returns the run at once; it proceeds in the background, and its steps (inputs, outputs, what remediation would have sent) appear on the incident's timeline: read them with get-incident. Find runbook ids with list-runbooks. Only one run of a runbook per incident can be under way at a time.`,
    attributes: ADD,
    schema: {
      input: z =>
        z
          .object({
            incidentId: z.string().trim().min(1),
            runbookId: z
              .string()
              .trim()
              .min(1)
              .describe('The runbook id (from list-runbooks)'),
          })
          .strict(),
      output: z => z.object({ run: runShape(z) }),
    },
    action: async ({ input, credentials, logger }) =>
      audited(
        'dry-run-runbook',
        credentials,
        { incidentId: input.incidentId, runbookId: input.runbookId },
        async () => {
          const actor = await authorize(
            'dry-run-runbook',
            opsRunExecutePermission,
            credentials,
            logger,
          );
          const run = await options.agent.startByHand(
            input.incidentId,
            input.runbookId,
            { dryRun: true, requestedBy: actor },
          );
          logger.info(
            `Action dry-run-runbook by ${actor}: dry run ${run.id} of ${input.runbookId} for incident ${input.incidentId}`,
            {
              action: 'dry-run-runbook',
              actor,
              incidentId: input.incidentId,
              runId: run.id,
            },
          );
          return { output: { run } };
        },
        ({ output }) => ({ runId: output.run.id }),
      ),
  });
}

/** One line for the timeline: the cause and the actions, in order. */
function describeResolution(resolution: ResolutionBody): string {
  if (resolution.notActionable) {
    return `not actionable (cause ${resolution.cause})`;
  }
  const actions = resolution.actions.map(a =>
    'action' in a ? a.action : `"${a.text}"`,
  );
  return `cause ${resolution.cause}; ${actions.join(', ')}`;
}
