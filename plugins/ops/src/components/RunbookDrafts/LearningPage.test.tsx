import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OpsApi, opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { makeDraft } from '../../__testUtils__/fixtures';
import { NfsOpsPage } from '../OpsPage';

function renderLearningPage(opsApi: Partial<OpsApi>) {
  return renderInTestApp(<NfsOpsPage />, {
    mountPath: '/ops',
    initialRouteEntries: ['/ops/learning'],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/ops': rootRouteRef,
    },
    apis: [
      [opsApiRef, opsApi],
      mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
    ] as any,
  });
}

describe('the Learning page', () => {
  it('lists the pending drafts of every entity, naming each entity', async () => {
    const listDrafts = jest.fn().mockResolvedValue({
      items: [
        makeDraft(),
        makeDraft({
          id: 'draft-2',
          entityRef: 'component:default/search',
          owner: 'group:default/discovery',
          runbook: {
            ...makeDraft().runbook,
            id: 'search-reindex',
            title: 'Reindex search',
          },
        }),
      ],
      totalCount: 2,
    });
    renderLearningPage({ listDrafts });

    const search = await screen.findByRole('article', {
      name: 'Reindex search',
    });
    expect(listDrafts).toHaveBeenCalledWith({
      owner: undefined,
      status: ['pending'],
    });
    expect(
      within(search).getByRole('link', { name: 'search' }),
    ).toHaveAttribute('href', '/catalog/default/component/search');
    expect(
      screen.getByRole('article', {
        name: 'Restart checkout when its pool is exhausted',
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('Runbook drafts (2)')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Learning' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });

  it('filters by status and owner', async () => {
    const listDrafts = jest
      .fn()
      .mockResolvedValue({ items: [], totalCount: 0 });
    renderLearningPage({ listDrafts });
    await screen.findByText('No draft matches these filters.');

    const status = screen.getByRole('group', { name: 'Status' });
    await userEvent.click(
      within(status).getByRole('button', { name: 'snoozed' }),
    );
    await waitFor(() =>
      expect(listDrafts).toHaveBeenLastCalledWith({
        owner: undefined,
        status: ['pending', 'snoozed'],
      }),
    );

    await userEvent.type(
      screen.getByLabelText('Owner'),
      'group:default/payments',
    );
    await waitFor(() =>
      expect(listDrafts).toHaveBeenLastCalledWith({
        owner: 'group:default/payments',
        status: ['pending', 'snoozed'],
      }),
    );

    // Nothing chosen means every status.
    await userEvent.click(
      within(status).getByRole('button', { name: 'pending' }),
    );
    await userEvent.click(
      within(status).getByRole('button', { name: 'snoozed' }),
    );
    await waitFor(() =>
      expect(listDrafts).toHaveBeenLastCalledWith({
        owner: 'group:default/payments',
        status: undefined,
      }),
    );
  });

  it('shows a rejected draft with its reason and without review buttons', async () => {
    renderLearningPage({
      listDrafts: async () => ({
        items: [
          makeDraft({
            status: 'rejected',
            reason: 'We fix the pool instead',
            decidedBy: 'user:default/alice',
          }),
        ],
        totalCount: 1,
      }),
    });

    const draft = await screen.findByRole('article', {
      name: 'Restart checkout when its pool is exhausted',
    });
    expect(within(draft).getByLabelText('Draft rejected')).toBeInTheDocument();
    expect(
      within(draft).getByText('Rejected: We fix the pool instead'),
    ).toBeInTheDocument();
    expect(
      within(draft).getByRole('link', { name: 'alice' }),
    ).toBeInTheDocument();
    expect(within(draft).queryByRole('button', { name: 'Accept' })).toBeNull();
  });
});
