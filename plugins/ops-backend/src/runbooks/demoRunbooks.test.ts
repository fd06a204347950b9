import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { EntityIndex, indexEntity } from '../entities';
import { evaluateConditions } from './conditions';
import { RunbookMatchFacts } from './matching';
import { parseRunbookFile } from './parseRunbookFile';
import { RunbookRegistry } from './RunbookRegistry';
import { renderTemplates } from './templates';

// The demo portal's runbooks and catalog, at the root of the repository.
const RUNBOOKS = resolve(__dirname, '../../../../runbooks');
const CATALOG = resolve(__dirname, '../../../../catalog');

/** The demo catalog's entities, as the catalog would index them from disk. */
function demoCatalog(): EntityIndex {
  const entities = readdirSync(CATALOG)
    .filter(name => name.endsWith('.yaml'))
    .flatMap(name => {
      const path = join(CATALOG, name);
      return parseAllDocuments(readFileSync(path, 'utf8')).map(doc => {
        const entity = doc.toJS() as Entity;
        entity.metadata.annotations = {
          ...entity.metadata.annotations,
          'backstage.io/managed-by-location': `file:${path}`,
        };
        return entity;
      });
    })
    .filter(e => e.kind !== 'Location');
  return new EntityIndex(entities.map(e => indexEntity(e)));
}

const unusedUrlReader = {
  readUrl: async () => {
    throw new Error('the demo reads no URL');
  },
  readTree: async () => {
    throw new Error('the demo reads no URL');
  },
  search: async () => {
    throw new Error('the demo reads no URL');
  },
};

function highErrorRate(
  index: EntityIndex,
  service: string,
  port: number,
): RunbookMatchFacts {
  return {
    entity: index.get(`component:default/${service}`)!,
    incident: {
      layer: 'product',
      name: 'HighErrorRate',
      labels: {
        alertname: 'HighErrorRate',
        service,
        severity: 'critical',
        instance: `127.0.0.1:${port}`,
      },
      severity: 'critical',
      fingerprint: `fp-${service}`,
    },
    tierWithoutRunbook: 'novel',
  };
}

describe('the demo runbooks', () => {
  it('are all valid', () => {
    const files = readdirSync(RUNBOOKS).filter(f => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const path = join(RUNBOOKS, file);
      const result = parseRunbookFile(readFileSync(path, 'utf8'), path);
      expect({ file, ...result }).toEqual({
        file,
        runbook: expect.objectContaining({ id: file.replace(/\.ya?ml$/, '') }),
      });
    }
  });

  it('load from the folder the demo config names and from the demo catalog annotations', async () => {
    const index = demoCatalog();
    const registry = new RunbookRegistry({
      // The demo backend runs in packages/backend and says ../../runbooks.
      paths: ['../../runbooks'],
      workingDirectory: resolve(__dirname, '../../../../packages/backend'),
      urlReader: unusedUrlReader,
      entities: { get: async () => index },
      logger: mockServices.logger.mock(),
    });
    await registry.refresh();
    expect(registry.problems()).toEqual([]);
    expect(
      registry.all().map(r => [r.runbook.id, r.runbook.lifecycle]),
    ).toEqual([
      ['checkout-api-high-error-rate', 'active'],
      ['orders-db-replication-lag', 'draft'],
      ['search-api-high-error-rate', 'active'],
    ]);
    expect(
      registry
        .forEntity('component:default/checkout-api')
        .map(r => r.runbook.id),
    ).toEqual(['checkout-api-high-error-rate']);
    expect(
      registry.forEntity('resource:default/orders-db').map(r => r.runbook.id),
    ).toEqual(['orders-db-replication-lag']);

    const checkout = highErrorRate(index, 'checkout-api', 7101);
    expect(registry.match(checkout)?.runbook.id).toBe(
      'checkout-api-high-error-rate',
    );
    const search = registry.match(highErrorRate(index, 'search-api', 7103));
    expect(search?.runbook).toMatchObject({
      id: 'search-api-high-error-rate',
      owner: 'group:default/storefront',
      approval: 'required',
    });
    // No runbook for payment-service: its incidents page the builder.
    expect(
      registry.match(highErrorRate(index, 'payment-service', 7102)),
    ).toBeUndefined();
    // The draft never matches, even for the systemic failure it is written for.
    expect(
      registry.match({
        entity: index.get('resource:default/orders-db')!,
        incident: {
          layer: 'product',
          name: 'PostgresReplicationLagHigh',
          labels: { db: 'orders-db', severity: 'critical', replica: 'x:8008' },
          severity: 'critical',
          fingerprint: 'fp-db',
        },
        tierWithoutRunbook: 'systemic',
      }),
    ).toBeUndefined();
  });

  it('fill their steps from the incident and gate on what the diagnostics saw', () => {
    const path = join(RUNBOOKS, 'checkout-api-high-error-rate.yaml');
    const result = parseRunbookFile(readFileSync(path, 'utf8'), path);
    if (!('runbook' in result)) throw new Error('invalid');
    const { runbook } = result;
    expect(runbook.limits).toEqual({
      maxRunsPerHour: 6,
      cooldown: '30s',
      circuitBreaker: { failures: 3 },
    });
    expect(runbook.verify).toEqual({ until: 'resolved', timeout: '2m' });

    const context: Record<string, unknown> = {
      incident: { labels: { instance: '127.0.0.1:7101' } },
    };
    expect(evaluateConditions(runbook.preconditions, context).ok).toBe(true);
    const [health] = runbook.diagnostics!;
    expect(renderTemplates(health.input, context)).toEqual({
      url: 'http://127.0.0.1:7101/healthz',
      method: 'GET',
      expectStatus: [200],
    });
    context.steps = { health: { output: { status: 503, ok: false } } };
    expect(evaluateConditions(health.gate, context).ok).toBe(true);
    expect(
      evaluateConditions(health.gate, {
        ...context,
        steps: { health: { output: { status: 404, ok: false } } },
      }).ok,
    ).toBe(false);

    const [clear, note] = runbook.remediation;
    expect(renderTemplates(clear.input, context)).toEqual({
      method: 'DELETE',
      url: 'http://127.0.0.1:7101/admin/faults',
      expectStatus: [200],
    });
    context.steps = {
      ...(context.steps as object),
      'clear-faults': { output: { status: 200 } },
    };
    expect(renderTemplates(note.input, context)).toEqual({
      message:
        'Cleared the faults of 127.0.0.1:7101 (admin API answered 200; /healthz answered 503 before)',
    });
  });
});
