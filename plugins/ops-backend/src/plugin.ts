import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  ANNOTATION_RUNBOOKS,
  opsPermissions,
} from '@operable/backstage-plugin-ops-common';
import {
  OpsAction,
  opsActionsExtensionPoint,
} from '@operable/backstage-plugin-ops-node';
import {
  ActionRegistry,
  createBuiltinActions,
  NotificationsOwnerNotifier,
  readAgentHttpConfig,
  redactSecrets,
} from './actions';
import {
  AgentOverviewService,
  AgentService,
  RunbookOverview,
  RunSignals,
} from './agent';
import { readOpsConfig } from './config';
import {
  DatabaseHealthStore,
  DatabaseIncidentStore,
  DatabaseRunStore,
  DatabaseSignalStore,
  migrateOpsDatabase,
} from './database';
import { CatalogEntityIndex, EntityIndex } from './entities';
import { HealthService, SloSource } from './health';
import { IncidentService } from './incidents';
import { IngestService, SignalProcessor } from './ingest';
import {
  DatabaseDraftStore,
  DatabaseResolutionStore,
  DatabaseRunbookUsage,
  DatabaseStoredRunbookStore,
  DraftReviewService,
  NotificationsStaleRunbookNotifier,
  PromotionService,
  readLearningConfig,
  ResolutionService,
  signatureOf,
  StaleRunbooks,
  StoredRunbookService,
} from './learning';
import { LoadReportService, readLoadConfig } from './load';
import { DatabasePageStore, PagingService, readPagingConfig } from './paging';
import { SignalsOpsPush } from './push';
import {
  evaluateConditions,
  renderTemplates,
  RunbookRegistry,
} from './runbooks';
import {
  addAgentAndLoadRoutes,
  addLearningRoutes,
  createRouter,
  registerOpsActions,
} from './service';

/** Every entity's runbook location, as one comparable string. */
function runbookLocations(index: EntityIndex): string {
  const found: string[] = [];
  for (const entity of index.all()) {
    const location = entity.annotations[ANNOTATION_RUNBOOKS];
    if (location) found.push(`${entity.ref}=${location}`);
  }
  return found.sort().join('\n');
}

/**
 * The Operable ops backend plugin.
 *
 * @public
 */
export const opsPlugin = createBackendPlugin({
  pluginId: 'ops',
  register(env) {
    const moduleActions: OpsAction[] = [];
    env.registerExtensionPoint(opsActionsExtensionPoint, {
      addActions(...actions) {
        moduleActions.push(...actions);
      },
    });
    env.registerInit({
      deps: {
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        signalsService: signalsServiceRef,
        notifications: notificationService,
        lifecycle: coreServices.lifecycle,
        userInfo: coreServices.userInfo,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, database, httpRouter, logger, scheduler } = deps;
        const opsConfig = readOpsConfig(config);
        const db = await migrateOpsDatabase(database);
        deps.permissionsRegistry.addPermissions(opsPermissions);

        const push = new SignalsOpsPush(deps.signalsService, logger);
        const entities = new CatalogEntityIndex({
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          substrateTypes: opsConfig.substrateTypes,
        });
        const signals = new DatabaseSignalStore(db);
        const incidentStore = new DatabaseIncidentStore(db);
        const incidents = new IncidentService({
          store: incidentStore,
          entities,
          push,
          logger,
          reopenWindowMs: opsConfig.incidents.reopenWindowMs,
          correlationWindowMs: opsConfig.incidents.correlationWindowMs,
        });
        const health = new HealthService({
          store: new DatabaseHealthStore(db),
          signals,
          incidents,
          incidentStore,
          entities,
          slos: new SloSource({ urlReader: deps.urlReader, logger }),
          push,
          logger,
        });
        const processor = new SignalProcessor({
          store: signals,
          consumers: [incidents, health],
          logger,
        });
        const ingest = new IngestService({
          store: signals,
          entities,
          processor,
          push,
        });
        // Signals that arrived before their entity was in the catalog (or
        // before the index knew of it) go on as soon as it is.
        entities.onNewEntities(index => {
          ingest
            .rerouteUnrouted({ index })
            .catch(error =>
              logger.warn(`Could not route waiting signals: ${error}`),
            );
        });

        // The ops agent: runbooks, actions, runs; paging by blast radius.
        // Runbooks accepted from drafts are kept in the database beside the
        // files; every match is recorded, so that stale ones are flagged.
        const storedRunbooks = new DatabaseStoredRunbookStore(db);
        const runbookUsage = new DatabaseRunbookUsage(db);
        const runbooks = new RunbookRegistry({
          paths: config.getOptionalStringArray('ops.runbooks.paths') ?? [],
          urlReader: deps.urlReader,
          // A refresh reads the locations of the catalog of now.
          entities: { get: () => entities.refreshSoon() },
          stored: { list: () => storedRunbooks.listCurrent() },
          usage: runbookUsage,
          logger,
        });
        const actions = new ActionRegistry();
        actions.add(
          ...createBuiltinActions({
            http: readAgentHttpConfig(config),
            signals,
            health,
            notes: incidents,
            owners: new NotificationsOwnerNotifier(deps.notifications),
          }),
          ...moduleActions,
        );
        const runs = new DatabaseRunStore(db);
        // Runs read their entity from the catalog; a burst of incidents on
        // one entity reads it once.
        const entityCache = new Map<
          string,
          { at: number; entity: Promise<Entity | undefined> }
        >();
        const agentEntity = (entityRef: string) => {
          const cached = entityCache.get(entityRef);
          if (cached && Date.now() - cached.at < 30_000) return cached.entity;
          const entity = deps.auth
            .getOwnServiceCredentials()
            .then(credentials =>
              deps.catalog.getEntityByRef(entityRef, { credentials }),
            )
            .then(found => found ?? undefined)
            .catch(error => {
              entityCache.delete(entityRef);
              throw error;
            });
          if (entityCache.size > 1000) entityCache.clear();
          entityCache.set(entityRef, { at: Date.now(), entity });
          return entity;
        };
        const secrets = opsConfig.agent.secrets;
        const agent = new AgentService({
          runs,
          runbooks: { get: id => runbooks.get(id)?.runbook },
          actions: {
            get: id => actions.get(id),
            execute: (id, input, context, options) =>
              actions.execute(id, input, context, options),
          },
          templates: {
            render: (value, context) => renderTemplates(value, context),
            check: (conditions, context) =>
              evaluateConditions(conditions, context),
          },
          incidents,
          entity: agentEntity,
          agentOf: async entityRef =>
            (await entities.get()).get(entityRef)?.opsAgent,
          health,
          push,
          logger: logger.child({ capability: 'agent' }),
          redact: value => redactSecrets(value, secrets),
          secrets,
          runbookFor: async incident => {
            const entity = (await entities.get()).get(incident.entityRef);
            if (!entity) return undefined;
            const facts = {
              entity,
              incident: {
                layer: incident.layer,
                name: incident.name ?? incident.fingerprint,
                labels: incident.labels ?? {},
                severity: incident.severity,
                fingerprint: incident.fingerprint,
              },
            };
            // The tier it had without a runbook is not kept: either will do.
            return (
              runbooks.match({ ...facts, tierWithoutRunbook: 'novel' }) ??
              runbooks.match({ ...facts, tierWithoutRunbook: 'systemic' })
            )?.runbook.id;
          },
          leaseMs: opsConfig.agent.leaseMs,
          maxConcurrentRuns: opsConfig.agent.maxConcurrentRuns,
          // The agent is an AI source too: its runs are samples of its own
          // entity's ai-system layer.
          onRunEnded: new RunSignals({
            ingest,
            logger: logger.child({ capability: 'agent' }),
          }).onRunEnded,
        });
        const pages = new DatabasePageStore(db);
        const paging = new PagingService({
          store: pages,
          incidents: incidentStore,
          entities,
          notifications: deps.notifications,
          push,
          logger: logger.child({ capability: 'paging' }),
          escalation: opsConfig.escalation,
          config: readPagingConfig(config),
        });
        // The learning loop: structured resolutions, rule of three, review.
        const learningConfig = readLearningConfig(config);
        const signatureOptions = {
          volatileLabels: learningConfig.volatileLabels,
        };
        const signatures = {
          signatureOf: (
            incident: Parameters<typeof signatureOf>[0],
            entity: Parameters<typeof signatureOf>[1],
          ) => signatureOf(incident, entity, signatureOptions),
        };
        const resolutionStore = new DatabaseResolutionStore(db);
        const drafts = new DatabaseDraftStore(db);
        const promotion = new PromotionService({
          resolutions: resolutionStore,
          drafts,
          entities,
          logger: logger.child({ capability: 'learning' }),
          threshold: learningConfig.promotionThreshold,
          push,
          fallbackOwner: opsConfig.escalation.platformGroup,
          isKnownAction: id => actions.get(id) !== undefined,
        });
        const resolutions = new ResolutionService({
          store: resolutionStore,
          incidents,
          entities,
          promotion,
          signatures: signatureOptions,
          logger: logger.child({ capability: 'learning' }),
        });
        const reviews = new DraftReviewService({
          drafts,
          stored: storedRunbooks,
          registry: runbooks,
          push,
          logger: logger.child({ capability: 'learning' }),
        });
        const storedRunbookService = new StoredRunbookService({
          stored: storedRunbooks,
          registry: runbooks,
          push,
          logger: logger.child({ capability: 'learning' }),
        });
        const staleRunbooks = new StaleRunbooks({
          runbooks,
          usage: runbookUsage,
          staleAfterMs: learningConfig.staleAfterMs,
          notifier: new NotificationsStaleRunbookNotifier(deps.notifications),
          logger: logger.child({ capability: 'learning' }),
        });
        const agentOverview = new AgentOverviewService({
          entities,
          entity: agentEntity,
          runbooks,
          runs,
          incidents: incidentStore,
          signatures,
          resolutions: resolutionStore,
          staleness: {
            staleRunbooks: async ids =>
              (await staleRunbooks.staleAmong(ids)).map(r => ({
                runbookId: r.runbookId,
                ...(r.lastMatchedAt ? { lastMatchedAt: r.lastMatchedAt } : {}),
              })),
          },
        });
        const load = new LoadReportService({
          entities,
          incidents: incidentStore,
          signatures,
          promotions: reviews,
          drowningWeeks: readLoadConfig(config).drowningWeeks,
        });

        incidents.setRunbookMatcher(failure => {
          if (!failure.entity) return undefined;
          const loaded = runbooks.match({
            entity: failure.entity,
            incident: failure,
            tierWithoutRunbook: failure.tierWithoutRunbook,
          });
          return loaded
            ? { id: loaded.runbook.id, title: loaded.runbook.title }
            : undefined;
        });
        incidents.addListener(agent);
        incidents.addListener(paging);
        await runbooks
          .refresh()
          .catch(error =>
            logger.error(`Could not load the runbooks: ${error}`),
          );
        deps.lifecycle.addShutdownHook(() => {
          agent.stop();
          push.flush();
        });

        // Entities name their runbooks by annotation: when the catalog brings
        // a new location (at first start the catalog is still empty), read
        // it now rather than at the next full refresh.
        let locations = '';
        await scheduler.scheduleTask({
          id: 'ops-runbooks-locations',
          frequency: { seconds: 15 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 5 },
          scope: 'local',
          fn: async () => {
            const now = runbookLocations(await entities.refreshSoon());
            if (now === locations) return;
            locations = now;
            await runbooks.refresh();
            push.publish({ type: 'runbooks' });
          },
        });
        await scheduler.scheduleTask({
          id: 'ops-runbooks-refresh',
          frequency: { milliseconds: opsConfig.runbooks.refreshIntervalMs },
          timeout: { minutes: 5 },
          initialDelay: { milliseconds: opsConfig.runbooks.refreshIntervalMs },
          scope: 'local',
          fn: async () => {
            await runbooks.refresh();
            push.publish({ type: 'runbooks' });
          },
        });
        // Snoozed drafts come back, stale runbooks are told to their owners,
        // missed promotions are drafted.
        await scheduler.scheduleTask({
          id: 'ops-learning-daily',
          frequency: { hours: 1 },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            await reviews.wake();
            await staleRunbooks.notifyOwners();
            // Catches repeats whose promotion failed when they were recorded.
            await promotion.draftCandidates();
          },
        });
        // Runs start the moment their incident is tiered; this sweep takes
        // over what a replica that died left behind, on every replica.
        await scheduler.scheduleTask({
          id: 'ops-agent-sweep',
          frequency: { seconds: 5 },
          timeout: { minutes: 1 },
          initialDelay: { seconds: 5 },
          scope: 'local',
          fn: async () => {
            await agent.sweep();
          },
        });

        // Signals are processed as soon as they are committed; this sweep
        // routes what waited for an entity that now exists, picks up what a
        // stopped replica left, and re-evaluates health, since a stalled
        // outcome is the absence of movement.
        await scheduler.scheduleTask({
          id: 'ops-sensor-sweep',
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 30 },
          fn: async () => {
            await ingest.rerouteUnrouted();
            // Asks for a look in the database and goes on: under steady
            // load the processor is never idle, and health must be swept.
            processor.backlog();
            await health.sweep();
          },
        });

        const runbookOverview = new RunbookOverview({
          source: runbooks,
          runs,
          push,
          usage: {
            lastMatched: ids => runbookUsage.lastMatched(ids),
            staleAmong: ids => staleRunbooks.staleAmong(ids),
          },
        });
        // The same reads and safe writes for AI assistants (the MCP actions
        // plugin), under the same permissions and audited.
        registerOpsActions(deps.actionsRegistry, {
          permissions: deps.permissions,
          auditor: deps.auditor,
          incidents,
          health,
          entities,
          runbooks: runbookOverview,
          agent,
          drafts: reviews,
        });

        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            config: opsConfig,
            ingest,
            signals,
            processor,
            entities,
            incidents,
            health,
            agent,
            runbooks: runbookOverview,
            pages,
            actions,
            resolutions,
            extend: router => {
              addLearningRoutes(router, {
                httpAuth: deps.httpAuth,
                permissions: deps.permissions,
                userInfo: deps.userInfo,
                resolutions,
                reviews,
                storedRunbooks: storedRunbookService,
              });
              addAgentAndLoadRoutes(router, {
                httpAuth: deps.httpAuth,
                permissions: deps.permissions,
                agents: agentOverview,
                load,
              });
            },
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info('Operable ops backend started');
      },
    });
  },
});
