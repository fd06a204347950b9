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
import { learningRouteRef, rootRouteRef, runRouteRef } from './routes';
import {
  makeAgentOverview,
  makeDraft,
  makeIncident,
  makeLoadReport,
  makeRun,
  makeRunbookSummary,
} from './__testUtils__/fixtures';

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

  it('shows the tab only on components, systems, resources and groups', () => {
    const tester = createExtensionTester(entityOpsContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(entityOfKind('Component'))).toBe(true);
    expect(filter(entityOfKind('System'))).toBe(true);
    expect(filter(entityOfKind('Resource'))).toBe(true);
    expect(filter(entityOfKind('Group'))).toBe(true);
    expect(filter(entityOfKind('API'))).toBe(false);
    expect(filter(entityOfKind('User'))).toBe(false);
  });

  it('renders the ownership, health, incidents, runbooks, drafts and load cards on the entity page', async () => {
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
    const listDrafts = jest
      .fn()
      .mockResolvedValue({ items: [makeDraft()], totalCount: 1 });
    const getEntityLoad = jest.fn().mockResolvedValue(makeLoadReport());
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: entityOfKind('Component') }),
        entityOpsContent,
        opsPlugin.getExtension('entity-card:ops/runbooks'),
        opsPlugin.getExtension('entity-card:ops/runbook-drafts'),
        opsPlugin.getExtension('entity-card:ops/load'),
      ],
      apis: [
        [
          opsApiRef,
          {
            getOwnership,
            getHealth,
            listIncidents,
            getRunbooks,
            listDrafts,
            getEntityLoad,
          },
        ],
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
    expect(
      await screen.findByRole('article', {
        name: 'Restart checkout when its pool is exhausted',
      }),
    ).toBeInTheDocument();
    expect(listDrafts).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
      status: 'pending',
    });
    expect(
      await screen.findByRole('table', { name: 'Load per week' }),
    ).toBeInTheDocument();
    expect(getEntityLoad).toHaveBeenCalledWith('component:default/checkout');
    // Not an ops agent: no Ops view of one.
    expect(
      screen.queryByRole('list', { name: 'Entities served' }),
    ).not.toBeInTheDocument();
  });

  it('makes the runbooks, drafts and load cards full-width content cards', () => {
    for (const id of [
      'entity-card:ops/runbooks',
      'entity-card:ops/runbook-drafts',
      'entity-card:ops/load',
    ] as const) {
      const tester = createExtensionTester(opsPlugin.getExtension(id));
      expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('content');
    }
  });

  it('keeps the runbooks card off groups, whose runbooks are on their entities', () => {
    const runbooks = createExtensionTester(
      opsPlugin.getExtension('entity-card:ops/runbooks'),
    ).get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(runbooks(entityOfKind('Component'))).toBe(true);
    expect(runbooks(entityOfKind('Group'))).toBe(false);
    expect(
      createExtensionTester(opsPlugin.getExtension('entity-card:ops/load')).get(
        EntityCardBlueprint.dataRefs.filterFunction,
      ),
    ).toBeUndefined();
  });

  it('shows a team its incidents, drafts and load on the Ops tab of its group', async () => {
    const listIncidents = jest.fn().mockResolvedValue({
      items: [makeIncident({ title: 'Checkout returns 500s' })],
      totalCount: 1,
    });
    const getGroupLoad = jest.fn().mockResolvedValue(
      makeLoadReport({
        drowning: {
          weeks: 3,
          recurring: [{ signature: makeDraft().signature, incidents: 7 }],
        },
      }),
    );
    const listDrafts = jest
      .fn()
      .mockResolvedValue({ items: [], totalCount: 0 });
    const getRunbooks = jest.fn();
    const getOwnership = jest.fn();
    renderTestApp({
      extensions: [
        createTestEntityPage({
          entity: {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Group',
            metadata: { name: 'payments', namespace: 'default' },
            spec: { type: 'team', children: [] },
          },
        }),
        entityOpsContent,
        opsPlugin.getExtension('entity-card:ops/runbooks'),
        opsPlugin.getExtension('entity-card:ops/runbook-drafts'),
        opsPlugin.getExtension('entity-card:ops/load'),
      ],
      apis: [
        [
          opsApiRef,
          {
            listIncidents,
            getGroupLoad,
            listDrafts,
            getRunbooks,
            getOwnership,
          },
        ],
      ],
    });

    expect(
      await screen.findByLabelText('Drowning', undefined, { timeout: 10000 }),
    ).toHaveTextContent('for 3 weeks in a row');
    expect(getGroupLoad).toHaveBeenCalledWith('group:default/payments');
    expect(
      await screen.findByText('Checkout returns 500s'),
    ).toBeInTheDocument();
    expect(listIncidents).toHaveBeenCalledWith(
      expect.objectContaining({ owner: 'group:default/payments' }),
    );
    expect(listDrafts).toHaveBeenCalledWith({
      owner: 'group:default/payments',
      status: 'pending',
    });
    expect(getRunbooks).not.toHaveBeenCalled();
    expect(getOwnership).not.toHaveBeenCalled();
  });

  it('shows an ops agent its Ops view first', async () => {
    const getAgentOverview = jest.fn().mockResolvedValue(makeAgentOverview());
    renderTestApp({
      extensions: [
        createTestEntityPage({
          entity: {
            ...entityOfKind('Component'),
            metadata: { name: 'checkout-agent', namespace: 'default' },
            spec: { type: 'ops-agent', owner: 'group:default/platform' },
          },
        }),
        entityOpsContent,
      ],
      apis: [
        [
          opsApiRef,
          {
            getAgentOverview,
            getOwnership: async () => ownership,
            getHealth: async () => ({
              entityRef: 'component:default/checkout-agent',
              layers: [],
              greenButFailing: false,
            }),
            listIncidents: async () => ({ items: [], totalCount: 0 }),
          },
        ],
      ],
    });

    expect(
      await screen.findByRole(
        'list',
        { name: 'Entities served' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
    expect(getAgentOverview).toHaveBeenCalledWith(
      'component:default/checkout-agent',
    );
    // Above the ownership card, which names the agent's own builder.
    const served = screen.getByRole('list', { name: 'Entities served' });
    const ownershipCard = await screen.findByText('Payments Team');
    expect(
      served.compareDocumentPosition(ownershipCard) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
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
    expect(opsPlugin.routes.learning).toBe(learningRouteRef);
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

  it('routes to the runbook drafts below the Ops page', async () => {
    const listDrafts = jest
      .fn()
      .mockResolvedValue({ items: [makeDraft()], totalCount: 1 });
    renderTestApp({
      extensions: [opsPlugin.getExtension('page:ops')],
      initialRouteEntries: ['/ops/learning'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [opsApiRef, { listDrafts }],
        mockApis.permission({ authorize: AuthorizeResult.DENY }),
      ],
    });

    expect(
      await screen.findByRole(
        'article',
        { name: 'Restart checkout when its pool is exhausted' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
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
