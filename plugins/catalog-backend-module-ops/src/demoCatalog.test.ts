import fs from 'node:fs';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { AlphaEntity } from '@backstage/catalog-model/alpha';
import { JsonObject } from '@backstage/types';
import {
  CatalogProcessorResult,
  parseEntityYaml,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_BREAK_GLASS,
  ANNOTATION_OPS_AGENT,
  ANNOTATION_SUBSTRATE,
  OPERABLE_ANNOTATION_PREFIX,
  OPS_AGENT_COMPONENT_TYPE,
} from '@operable/backstage-plugin-ops-common';
import { parse as parseYaml } from 'yaml';
import { OperableEntityProcessor } from './OperableEntityProcessor';
import {
  eventually,
  startCatalogWithOpsModule,
} from './__testUtils__/catalogBackend';

// The demo catalog of the portal, and the suite's own catalog-info.yaml.
const repoRoot = path.resolve(__dirname, '../../..');
const catalogDir = path.join(repoRoot, 'catalog');
const suiteCatalogFile = path.join(repoRoot, 'catalog-info.yaml');

function readEntities(file: string): Entity[] {
  const results: CatalogProcessorResult[] = [
    ...parseEntityYaml(fs.readFileSync(file), { type: 'file', target: file }),
  ];
  return results.map(result => {
    if (result.type !== 'entity') {
      throw new Error(`${file}: ${JSON.stringify(result)}`);
    }
    return result.entity;
  });
}

const allYaml = path.join(catalogDir, 'all.yaml');
const [demoLocation] = readEntities(allYaml);
const demoFiles: string[] = (demoLocation.spec?.targets as string[]).map(t =>
  path.resolve(catalogDir, t),
);
const demoEntities = demoFiles.flatMap(readEntities);
const suiteEntities = readEntities(suiteCatalogFile);
const everyEntity = [demoLocation, ...demoEntities, ...suiteEntities];
const byRef = new Map(everyEntity.map(e => [stringifyEntityRef(e), e]));

const ofKind = (kind: string) => demoEntities.filter(e => e.kind === kind);
const isOpsAgent = (e: Entity) =>
  e.kind === 'Component' && e.spec?.type === OPS_AGENT_COMPONENT_TYPE;
const hasOperableAnnotations = (e: Entity) =>
  Object.keys(e.metadata.annotations ?? {}).some(a =>
    a.startsWith(OPERABLE_ANNOTATION_PREFIX),
  );

/** Every entity ref an entity points to, with the kind it defaults to. */
function refsOf(entity: Entity): { field: string; ref: string }[] {
  const namespace = entity.metadata.namespace ?? 'default';
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const refs: { field: string; ref: string }[] = [];
  const add = (field: string, value: unknown, defaultKind?: string) => {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v === 'string' && v.trim()) {
        refs.push({
          field,
          ref: stringifyEntityRef(
            parseEntityRef(v.trim(), {
              defaultKind,
              defaultNamespace: namespace,
            }),
          ),
        });
      }
    }
  };
  add('spec.owner', spec.owner, 'Group');
  add('spec.system', spec.system, 'System');
  add('spec.dependsOn', spec.dependsOn);
  add('spec.memberOf', spec.memberOf, 'Group');
  add('spec.parent', spec.parent, 'Group');
  add('spec.children', spec.children, 'Group');
  const annotations = entity.metadata.annotations ?? {};
  add(ANNOTATION_OPS_AGENT, annotations[ANNOTATION_OPS_AGENT], 'Component');
  add(
    ANNOTATION_BREAK_GLASS,
    annotations[ANNOTATION_BREAK_GLASS]?.split(','),
    'User',
  );
  return refs;
}

describe('the demo catalog', () => {
  it('lists every file of catalog/ in all.yaml, with relative targets', () => {
    expect(demoLocation.kind).toBe('Location');
    for (const target of demoLocation.spec?.targets as string[]) {
      expect(path.isAbsolute(target)).toBe(false);
    }
    const yamlFiles = fs
      .readdirSync(catalogDir)
      .filter(f => /\.ya?ml$/.test(f) && f !== 'all.yaml')
      .map(f => path.join(catalogDir, f));
    expect([...demoFiles].sort()).toEqual(yamlFiles.sort());
  });

  it('has no annotation problems, for the processor', async () => {
    const processor = new OperableEntityProcessor({
      logger: mockServices.logger.mock(),
    });
    const problems: string[] = [];
    for (const entity of everyEntity) {
      const result = (await processor.postProcessEntity(
        entity,
        { type: 'file', target: 'catalog' },
        () => {},
      )) as AlphaEntity;
      for (const item of result.status?.items ?? []) {
        problems.push(`${stringifyEntityRef(entity)}: ${item.message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has the organisation, systems and ops agents the demo needs', () => {
    const groups = ofKind('Group').map(g => g.metadata.name);
    expect(groups.length).toBeGreaterThanOrEqual(4);
    // Referenced by ops.escalation in app-config.yaml.
    expect(groups).toEqual(expect.arrayContaining(['platform', 'architects']));
    expect(ofKind('Group').some(g => g.spec?.type === 'organization')).toBe(
      true,
    );

    const users = ofKind('User');
    expect(users.length).toBeGreaterThanOrEqual(2);
    for (const user of users) {
      expect((user.spec?.profile as JsonObject)?.email).toMatch(/@/);
    }

    expect(ofKind('System')).toHaveLength(2);

    const agents = demoEntities.filter(isOpsAgent);
    expect(agents.length).toBeGreaterThanOrEqual(2);
    for (const agent of agents) {
      expect(agent.spec).toEqual(
        expect.objectContaining({
          owner: expect.any(String),
          lifecycle: expect.any(String),
        }),
      );
    }
    expect(new Set(agents.map(a => a.spec?.owner)).size).toBeGreaterThanOrEqual(
      2,
    );

    const servicesAndResources = demoEntities.filter(
      e => (e.kind === 'Component' && !isOpsAgent(e)) || e.kind === 'Resource',
    );
    expect(servicesAndResources.length).toBeGreaterThanOrEqual(8);
  });

  it('marks a database and a message bus as substrate', () => {
    const substrateTypes = ofKind('Resource')
      .filter(r => r.metadata.annotations?.[ANNOTATION_SUBSTRATE] === 'true')
      .map(r => r.spec?.type);
    expect(substrateTypes).toEqual(
      expect.arrayContaining(['database', 'message-broker']),
    );
  });

  it('leaves exactly one component without operable annotations', () => {
    const bare = ofKind('Component').filter(
      e => !isOpsAgent(e) && !hasOperableAnnotations(e),
    );
    expect(bare.map(e => e.metadata.name)).toHaveLength(1);
  });

  it('has a dependency graph between services and on resources', () => {
    const dependsOn = demoEntities.flatMap(e =>
      refsOf(e).filter(r => r.field === 'spec.dependsOn'),
    );
    expect(dependsOn.some(r => r.ref.startsWith('component:'))).toBe(true);
    expect(dependsOn.some(r => r.ref.startsWith('resource:'))).toBe(true);
  });

  it('resolves every owner, system, dependency, member and ops agent ref', () => {
    const dangling: string[] = [];
    for (const entity of everyEntity) {
      for (const { field, ref } of refsOf(entity)) {
        const target = byRef.get(ref);
        if (!target) {
          dangling.push(`${stringifyEntityRef(entity)} ${field} -> ${ref}`);
        } else if (field === ANNOTATION_OPS_AGENT && !isOpsAgent(target)) {
          dangling.push(
            `${stringifyEntityRef(
              entity,
            )} ${field} -> ${ref} is not an ops agent`,
          );
        }
      }
    }
    expect(dangling).toEqual([]);
  });

  it('is ingested whole by the real catalog, with the app-config rules', async () => {
    // The catalog section of app-config.yaml, with its file targets made
    // absolute as they resolve from packages/backend, where the backend runs.
    const appConfig = parseYaml(
      fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
    );
    const catalogConfig = appConfig.catalog as JsonObject;
    const locations = (catalogConfig.locations as JsonObject[]).map(l => ({
      ...l,
      target:
        l.type === 'file'
          ? path.resolve(repoRoot, 'packages/backend', l.target as string)
          : l.target,
    }));
    const catalog = await startCatalogWithOpsModule({
      ...catalogConfig,
      locations,
    });

    const expected = [...demoEntities, ...suiteEntities].map(e =>
      stringifyEntityRef(e),
    );
    const ingested = await eventually(async () => {
      const entities = await catalog.allEntities();
      const refs = entities.map(e => stringifyEntityRef(e));
      expect(refs).toEqual(expect.arrayContaining(expected));
      return entities as AlphaEntity[];
    }, 60_000);

    const errors = ingested.flatMap(e =>
      (e.status?.items ?? []).map(
        i => `${stringifyEntityRef(e)}: ${i.message}`,
      ),
    );
    expect(errors).toEqual([]);

    const checkoutApi = ingested.find(
      e => stringifyEntityRef(e) === 'component:default/checkout-api',
    );
    expect(checkoutApi?.relations).toContainEqual({
      type: 'operatedBy',
      targetRef: 'component:default/checkout-agent',
    });
    await eventually(async () => {
      const agent = await catalog.entityByName('component', 'checkout-agent');
      expect(agent?.relations).toContainEqual({
        type: 'operates',
        targetRef: 'component:default/checkout-api',
      });
    });

    await catalog.backend.stop();
  }, 90_000);
});
