import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { act, screen, within } from '@testing-library/react';
import { opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { checkoutEntity, makeDraft } from '../../__testUtils__/fixtures';
import { RunbookDraftsCard } from './DraftsCard';

// usePermission caches answers for the whole module (SWR): every test of
// this file is denied ops.learning.review, and never sees an "allow".

function renderCard(ownershipEntityRefs: string[]) {
  const authorize = jest.fn().mockReturnValue(AuthorizeResult.DENY);
  renderInTestApp(
    <EntityProvider entity={checkoutEntity}>
      <RunbookDraftsCard />
    </EntityProvider>,
    {
      apis: [
        [
          opsApiRef,
          {
            listDrafts: async () => ({ items: [makeDraft()], totalCount: 1 }),
          },
        ],
        mockApis.permission({ authorize }),
        mockApis.identity({
          userEntityRef: 'user:default/bob',
          ownershipEntityRefs,
        }),
      ] as any,
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/ops': rootRouteRef,
      },
    },
  );
  return authorize;
}

/** Lets the answers of the permission and identity APIs reach the card. */
async function settle() {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 50));
  });
}

describe('RunbookDraftsCard without ops.learning.review', () => {
  it('shows the drafts of an entity the user does not own without Accept, Edit, Snooze or Reject', async () => {
    const authorize = renderCard(['user:default/bob', 'group:default/web']);

    const draft = await screen.findByRole('article', {
      name: 'Restart checkout when its pool is exhausted',
    });
    await settle();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({ name: 'ops.learning.review' }),
      }),
    );
    expect(within(draft).queryByRole('group', { name: /^Review/ })).toBeNull();
    for (const name of ['Accept', 'Edit', 'Snooze', 'Reject']) {
      expect(within(draft).queryByRole('button', { name })).toBeNull();
    }
    // What the draft is stays readable.
    expect(
      within(draft).getByLabelText(
        'Runbook YAML of Restart checkout when its pool is exhausted',
      ),
    ).toBeInTheDocument();
  });

  it('lets the owner of the entity review its drafts all the same', async () => {
    renderCard(['user:default/bob', 'group:default/payments']);

    const draft = await screen.findByRole('article', {
      name: 'Restart checkout when its pool is exhausted',
    });
    expect(
      await within(draft).findByRole('button', { name: 'Accept' }),
    ).toBeInTheDocument();
    expect(
      within(draft).getByRole('button', { name: 'Reject' }),
    ).toBeInTheDocument();
  });
});
