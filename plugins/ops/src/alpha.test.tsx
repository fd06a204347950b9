import { Entity } from '@backstage/catalog-model';
import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityOwnership } from '@operable/backstage-plugin-ops-common';
import { screen, within } from '@testing-library/react';
import opsPlugin from './alpha';
import { OpsClient, opsApiRef } from './api';
import { rootRouteRef, runRouteRef } from './routes';
import { makeRun, makeRunbookSummary } from './__testUtils__/fixtures';

function entityOfKind(kind: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'checkout', namespace: 'default' },
    spec: { owner: 'group:default/payments' },
  };
}

const ownership: EntityOwnership = {
  entityRef: 'component:default/checkout',
  builder: {
    ref: 'group:default/payments',
    title: 'Payments Team',
    found: true,
    members: [],
  },
  escalation: [],
  hints: [],
};

describe('the ops frontend plugin', () => {
  const entityOpsContent = opsPlugin.getExtension('entity-content:ops');

  it('provides an Ops tab at ops', () => {
    const tester = createExtensionTester(entityOpsContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Ops');
    expect(tester.get(coreExtensionData.routePath)).toBe('/ops');
  });

  it('shows the tab only on components, systems and resources', () => {
    const tester = createExtensionTester(entityOpsContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(entityOfKind('Component'))).toBe(true);
    expect(filter(entityOfKind('System'))).toBe(true);
    expect(filter(entityOfKind('Resource'))).toBe(true);
    expect(filter(entityOfKind('Group'))).toBe(false);
    expect(filter(entityOfKind('API'))).toBe(false);
  });

  it('renders the ownership, health, incidents and runbooks cards on the entity page', async () => {
    const getOwnership = jest.fn().mockResolvedValue(ownership);
    const getHealth = jest.fn().mockResolvedValue({
      entityRef: 'component:default/checkout',
      layers: [],
      greenButFailing: false,
    });
    const listIncidents = jest
      .fn()
      .mockResolvedValue({ items: [], totalCount: 0 });
    const getRunbooks = jest.fn().mockResolvedValue({
      runbooks: [makeRunbookSummary()],
      problems: [],
    });
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: entityOfKind('Component') }),
        entityOpsContent,
        opsPlugin.getExtension('entity-card:ops/runbooks'),
      ],
      apis: [
        [opsApiRef, { getOwnership, getHealth, listIncidents, getRunbooks }],
      ],
    });

    // The tab is loaded lazily, which can take a while on a cold start.
    expect(
      await screen.findByText('Payments Team', undefined, { timeout: 10000 }),
    ).toBeInTheDocument();
    expect(getOwnership).toHaveBeenCalledWith('component:default/checkout');
    expect(
      await screen.findByRole('table', { name: 'Health per layer' }),
    ).toBeInTheDocument();
    expect(getHealth).toHaveBeenCalledWith('component:default/checkout');
    expect(await screen.findByText(/No open incidents/)).toBeInTheDocument();
    expect(listIncidents).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: 'component:default/checkout' }),
    );
    expect(
      await screen.findByRole('row', { name: 'Restart a stuck worker' }),
    ).toBeInTheDocument();
    expect(getRunbooks).toHaveBeenCalledWith('component:default/checkout');
  });

  it('makes the runbooks card a full-width content card', () => {
    const tester = createExtensionTester(
      opsPlugin.getExtension('entity-card:ops/runbooks'),
    );
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('content');
  });

  it('shows the cards attached to the Ops tab only on the entities they accept', async () => {
    const systemsOnly = EntityCardBlueprint.make({
      name: 'systems-only',
      attachTo: { id: 'entity-content:ops', input: 'cards' },
      params: {
        filter: { kind: 'system' },
        loader: async () => <div>Only on systems</div>,
      },
    });
    const everywhere = EntityCardBlueprint.make({
      name: 'everywhere',
      attachTo: { id: 'entity-content:ops', input: 'cards' },
      params: { loader: async () => <div>On every entity</div> },
    });
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: entityOfKind('Component') }),
        entityOpsContent,
        systemsOnly,
        everywhere,
      ],
      apis: [
        [
          opsApiRef,
          {
            getOwnership: async () => ownership,
            getHealth: async () => ({
              entityRef: 'component:default/checkout',
              layers: [],
              greenButFailing: false,
            }),
            listIncidents: async () => ({ items: [], totalCount: 0 }),
          },
        ],
      ],
    });

    expect(
      await screen.findByText('On every entity', undefined, { timeout: 10000 }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Only on systems')).not.toBeInTheDocument();
  });

  it('provides the Ops page at /ops with its route ref, for the sidebar', () => {
    const tester = createExtensionTester(opsPlugin.getExtension('page:ops'));
    expect(tester.get(coreExtensionData.routePath)).toBe('/ops');
    expect(tester.get(coreExtensionData.routeRef)).toBe(rootRouteRef);
    expect(tester.get(coreExtensionData.title)).toBe('Ops');
    expect(opsPlugin.routes.root).toBe(rootRouteRef);
    expect(opsPlugin.routes.run).toBe(runRouteRef);
  });

  it('puts the Ops page in the sidebar', async () => {
    renderTestApp({
      features: [opsPlugin],
      initialRouteEntries: ['/ops'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [
          opsApiRef,
          { listIncidents: async () => ({ items: [], totalCount: 0 }) },
        ],
      ],
    });

    const nav = await screen.findByRole('navigation', { name: 'sidebar nav' });
    expect(
      await within(nav).findByRole('link', { name: 'Ops' }),
    ).toHaveAttribute('href', '/ops');
  });

  it('routes to an incident below the Ops page', async () => {
    const getIncident = jest.fn().mockResolvedValue({
      incident: {
        id: 'inc-1',
        entityRef: 'component:default/checkout',
        fingerprint: 'fp',
        title: 'Checkout returns 500s',
        layer: 'product',
        tier: 'novel',
        status: 'open',
        severity: 'high',
        blastRadius: [],
        openedAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      },
      timeline: [],
      blastRadius: [],
    });
    renderTestApp({
      extensions: [opsPlugin.getExtension('page:ops')],
      initialRouteEntries: ['/ops/incidents/inc-1'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [opsApiRef, { getIncident }],
        mockApis.permission({ authorize: AuthorizeResult.DENY }),
      ],
    });

    // The page is loaded lazily, which can take a while on a cold start.
    expect(
      await screen.findByRole(
        'heading',
        { name: 'Checkout returns 500s' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
    expect(getIncident).toHaveBeenCalledWith('inc-1');
  });

  it('routes to a run below the Ops page', async () => {
    const getRun = jest.fn().mockResolvedValue({
      run: makeRun({ id: 'run-1', runbookId: 'restart-worker' }),
      steps: [],
    });
    renderTestApp({
      extensions: [opsPlugin.getExtension('page:ops')],
      initialRouteEntries: ['/ops/runs/run-1'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [opsApiRef, { getRun }],
        mockApis.permission({ authorize: AuthorizeResult.DENY }),
      ],
    });

    expect(
      await screen.findByRole(
        'heading',
        { name: 'Run of restart-worker' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
    expect(getRun).toHaveBeenCalledWith('run-1');
  });

  it('provides the OpsApi backed by the OpsClient', () => {
    const tester = createExtensionTester(opsPlugin.getExtension('api:ops'));
    const factory = tester.get(ApiBlueprint.dataRefs.factory);
    expect(factory.api).toBe(opsApiRef);
    expect(
      factory.factory({
        discoveryApi: mockApis.discovery(),
        fetchApi: mockApis.fetch(),
      }),
    ).toBeInstanceOf(OpsClient);
  });
});
