import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { OpsConfig } from '../config';
import { resolveOwnership } from '../ownership';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  config: OpsConfig;
}

/** Translates HTTP to calls of the capabilities, and nothing more. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, catalog, config } = options;
  const router = Router();
  router.use(express.json({ limit: '512kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/entities/:kind/:namespace/:name/ownership', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { kind, namespace, name } = req.params;
    const entity = await catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity) {
      throw new NotFoundError(`No entity ${kind}:${namespace}/${name}`);
    }
    const ownership = await resolveOwnership(entity, config, async refs => {
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: refs },
        { credentials },
      );
      return items.map(e => e ?? undefined);
    });
    res.json(ownership);
  });

  return router;
}
