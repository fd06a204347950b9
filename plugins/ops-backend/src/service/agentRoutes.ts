import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AgentOverview,
  LoadReport,
  opsLearningReadPermission,
} from '@operable/backstage-plugin-ops-common';
import express from 'express';

export interface AgentAndLoadRouteOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** The agent overview service: NotFoundError when the entity is not an ops agent. */
  agents: { overview(agentRef: string): Promise<AgentOverview> };
  /** The load report service: NotFoundError for an unknown group or entity. */
  load: {
    forGroup(groupRef: string): Promise<LoadReport>;
    forEntity(entityRef: string): Promise<LoadReport>;
    drowningTeams(): Promise<LoadReport[]>;
  };
}

/**
 * The ops agent's overview and the drowning check, on the plugin's router
 * (one with express-promise-router semantics, so that thrown errors reach
 * the error handler):
 *
 * - `GET /agents/{kind}/{namespace}/{name}/overview`: 404 when not an ops agent;
 * - `GET /load/groups/{namespace}/{name}`: a team's load report;
 * - `GET /load/entities/{kind}/{namespace}/{name}`: an entity's;
 * - `GET /load/drowning`: `{ items }`, every drowning team.
 *
 * All need `ops.learning.read`.
 */
export function addAgentAndLoadRoutes(
  router: express.Router,
  options: AgentAndLoadRouteOptions,
): void {
  const { httpAuth, permissions, agents, load } = options;

  async function authorize(req: express.Request) {
    // People and other backends; an anonymous caller gets a 401.
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: opsLearningReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: ${opsLearningReadPermission.name}`,
      );
    }
  }

  router.get('/agents/:kind/:namespace/:name/overview', async (req, res) => {
    await authorize(req);
    const { kind, namespace, name } = req.params;
    res.json(
      await agents.overview(stringifyEntityRef({ kind, namespace, name })),
    );
  });

  router.get('/load/groups/:namespace/:name', async (req, res) => {
    await authorize(req);
    const { namespace, name } = req.params;
    res.json(
      await load.forGroup(
        stringifyEntityRef({ kind: 'group', namespace, name }),
      ),
    );
  });

  router.get('/load/entities/:kind/:namespace/:name', async (req, res) => {
    await authorize(req);
    const { kind, namespace, name } = req.params;
    res.json(
      await load.forEntity(stringifyEntityRef({ kind, namespace, name })),
    );
  });

  router.get('/load/drowning', async (req, res) => {
    await authorize(req);
    res.json({ items: await load.drowningTeams() });
  });
}
