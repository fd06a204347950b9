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
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { EntityOwnership } from '@operable/backstage-plugin-ops-common';
import { screen } from '@testing-library/react';
import opsPlugin from './alpha';
import { OpsClient, opsApiRef } from './api';

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

  it('renders the ownership card on the entity page', async () => {
    const getOwnership = jest.fn().mockResolvedValue(ownership);
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: entityOfKind('Component') }),
        entityOpsContent,
      ],
      apis: [[opsApiRef, { getOwnership }]],
    });

    expect(await screen.findByText('Payments Team')).toBeInTheDocument();
    expect(getOwnership).toHaveBeenCalledWith('component:default/checkout');
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
