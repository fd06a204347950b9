import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  EntityRunbooks,
  OPS_SIGNAL_CHANNEL,
} from '@operable/backstage-plugin-ops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OpsApi, opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { createFakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import {
  checkoutEntity,
  hoursAgo,
  makeRun,
  makeRunbookSummary,
} from '../../__testUtils__/fixtures';
import { RunbooksCard } from './RunbooksCard';

const MINUTE = 60 * 1000;

function runbooks(overrides: Partial<EntityRunbooks> = {}): EntityRunbooks {
  return {
    runbooks: [
      makeRunbookSummary({
        lastRuns: [
          makeRun({ id: 'run-3', status: 'failed', createdAt: hoursAgo(1) }),
          makeRun({
            id: 'run-2',
            status: 'succeeded',
            dryRun: true,
            createdAt: hoursAgo(5),
          }),
        ],
        successRate: 0.8333,
        runsLast30Days: 6,
      }),
      makeRunbookSummary(
        {
          source:
            'https://git.example.com/shop/checkout/blob/main/runbooks/replay-outbox.yaml',
          origin: 'component:default/checkout',
          circuitBreaker: {
            state: 'open',
            consecutiveFailures: 3,
            openedAt: hoursAgo(0.3),
            resetsAt: new Date(Date.now() + 40.5 * MINUTE).toISOString(),
          },
        },
        {
          id: 'replay-outbox',
          title: 'Replay the order outbox',
          version: '1.2.0',
          lifecycle: 'deprecated',
          approval: 'required',
          body: undefined,
        },
      ),
    ],
    problems: [],
    ...overrides,
  };
}

function renderCard(opsApi: Partial<OpsApi>, extraApis: any[] = []) {
  return renderInTestApp(
    <EntityProvider entity={checkoutEntity}>
      <RunbooksCard />
    </EntityProvider>,
    {
      apis: [
        [opsApiRef, opsApi],
        mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ...extraApis,
      ] as any,
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/ops': rootRouteRef,
      },
    },
  );
}

describe('RunbooksCard', () => {
  it('shows each runbook with its version, lifecycle, source, runs and breaker', async () => {
    const getRunbooks = jest.fn().mockResolvedValue(runbooks());
    renderCard({ getRunbooks });

    const table = await screen.findByRole('table', { name: 'Runbooks' });
    expect(getRunbooks).toHaveBeenCalledWith('component:default/checkout');
    expect(within(table).getAllByRole('row')).toHaveLength(3);

    const restart = screen.getByRole('row', { name: 'Restart a stuck worker' });
    expect(within(restart).getByText('restart-worker')).toBeInTheDocument();
    expect(within(restart).getByText('v3')).toBeInTheDocument();
    expect(
      within(restart).getByLabelText('Lifecycle active'),
    ).toBeInTheDocument();
    expect(
      within(restart).getByText('runbooks/restart-worker.yaml'),
    ).toBeInTheDocument();
    expect(restart).toHaveTextContent("from the app's runbooks folder");
    expect(
      within(restart).getByLabelText('Circuit breaker closed'),
    ).toBeInTheDocument();
    expect(within(restart).getByText('83%')).toBeInTheDocument();
    expect(within(restart).getByText('6')).toBeInTheDocument();
    expect(
      within(restart).getByRole('link', { name: 'failed run 1 hour ago' }),
    ).toHaveAttribute('href', '/ops/runs/run-3');
    expect(
      within(restart).getByRole('link', {
        name: 'succeeded dry run 5 hours ago',
      }),
    ).toHaveAttribute('href', '/ops/runs/run-2');
    expect(within(restart).getByText('succeeded · dry')).toBeInTheDocument();

    const replay = screen.getByRole('row', { name: 'Replay the order outbox' });
    expect(within(replay).getByText('v1.2.0')).toBeInTheDocument();
    expect(
      within(replay).getByLabelText('Lifecycle deprecated'),
    ).toBeInTheDocument();
    expect(within(replay).getByText('approval required')).toBeInTheDocument();
    expect(
      within(replay).getByRole('link', { name: /replay-outbox\.yaml/ }),
    ).toHaveAttribute(
      'href',
      'https://git.example.com/shop/checkout/blob/main/runbooks/replay-outbox.yaml',
    );
    expect(
      within(replay).getByRole('link', { name: 'checkout' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout');
    expect(
      within(replay).getByLabelText('Circuit breaker open'),
    ).toBeInTheDocument();
    expect(
      within(replay).getByText('resets in 40 minutes'),
    ).toBeInTheDocument();
    expect(within(replay).getByText('3 failures in a row')).toBeInTheDocument();
    // No finished run in 30 days: no rate rather than 0%.
    expect(within(replay).getByText('–')).toBeInTheDocument();
    expect(within(replay).getByText('never run')).toBeInTheDocument();
    // Nothing to read for a runbook without a body or description.
    expect(
      within(replay).queryByRole('button', { name: 'Read runbook' }),
    ).not.toBeInTheDocument();

    expect(screen.queryByLabelText('Runbook problems')).not.toBeInTheDocument();
  });

  it('opens the Markdown body of a runbook for humans', async () => {
    renderCard({ getRunbooks: async () => runbooks() });

    const restart = await screen.findByRole('row', {
      name: 'Restart a stuck worker',
    });
    const read = within(restart).getByRole('button', { name: 'Read runbook' });
    expect(read).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(read);

    const text = screen.getByRole('row', {
      name: 'Restart a stuck worker: runbook text',
    });
    // Markdown, rendered: the heading is a heading.
    expect(
      await within(text).findByRole('heading', { name: 'When' }),
    ).toBeInTheDocument();
    expect(
      within(text).getByText('The order worker stops taking jobs.'),
    ).toBeInTheDocument();

    await userEvent.click(
      within(restart).getByRole('button', { name: 'Hide runbook' }),
    );
    expect(
      screen.queryByRole('row', {
        name: 'Restart a stuck worker: runbook text',
      }),
    ).not.toBeInTheDocument();
  });

  it('shows the problems of the runbook files, also without any runbook', async () => {
    renderCard({
      getRunbooks: async () => ({
        runbooks: [],
        problems: [
          {
            location: 'runbooks/flush-cache.yaml',
            line: 12,
            column: 5,
            message:
              'remediation.0.action: expected an action id such as http:request',
            runbookId: 'flush-cache',
          },
          {
            location: 'runbooks/flush-cache.yaml',
            line: 3,
            column: 12,
            message: 'lifecycle: expected draft, active, deprecated or retired',
          },
          {
            location: 'runbooks/broken.yaml',
            message: 'not a YAML document',
          },
        ],
      }),
    });

    const problems = await screen.findByLabelText('Runbook problems');
    expect(problems).toHaveTextContent('2 runbook files have problems');
    const items = within(problems).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent(
      'runbooks/flush-cache.yaml:12:5 (flush-cache): remediation.0.action: expected an action id such as http:request',
    );
    expect(items[1]).toHaveTextContent(
      'runbooks/flush-cache.yaml:3:12: lifecycle: expected draft, active, deprecated or retired',
    );
    expect(items[2]).toHaveTextContent(
      'runbooks/broken.yaml: not a YAML document',
    );
    expect(
      screen.getByText(/No runbook applies to this entity/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Runbooks' }),
    ).not.toBeInTheDocument();
  });

  it('reloads the runbook files with Refresh, then shows what was loaded', async () => {
    const getRunbooks = jest
      .fn()
      .mockResolvedValueOnce(runbooks())
      .mockResolvedValue(
        runbooks({
          problems: [
            { location: 'runbooks/new.yaml', line: 1, message: 'bad' },
          ],
        }),
      );
    const refreshRunbooks = jest
      .fn()
      .mockResolvedValue({ runbooks: 2, problems: [] });
    renderCard({ getRunbooks, refreshRunbooks });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Refresh' }),
    );

    expect(refreshRunbooks).toHaveBeenCalledTimes(1);
    expect(await screen.findByLabelText('Runbook problems')).toHaveTextContent(
      'runbooks/new.yaml:1: bad',
    );
    expect(getRunbooks).toHaveBeenCalledTimes(2);
    expect(
      await screen.findByText('Runbooks reloaded: 2 runbooks, 0 problems'),
    ).toBeInTheDocument();
  });

  it('says why a refresh failed and keeps what it showed', async () => {
    const getRunbooks = jest.fn().mockResolvedValue(runbooks());
    renderCard({
      getRunbooks,
      refreshRunbooks: () => Promise.reject(new Error('not allowed')),
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Refresh' }),
    );
    expect(
      await screen.findByText('Could not reload the runbooks: not allowed'),
    ).toBeInTheDocument();
    expect(getRunbooks).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('table', { name: 'Runbooks' })).toBeInTheDocument();
  });

  it('refetches on reloaded runbooks and on runs of this entity only', async () => {
    const signals = createFakeSignalApi();
    const getRunbooks = jest
      .fn()
      .mockResolvedValueOnce(runbooks())
      .mockResolvedValueOnce(runbooks())
      .mockResolvedValue(
        runbooks({
          runbooks: [
            makeRunbookSummary({
              lastRuns: [makeRun({ id: 'run-9', status: 'running' })],
              runsLast30Days: 7,
            }),
          ],
        }),
      );
    renderCard({ getRunbooks }, [[signalApiRef, signals.api]]);
    await screen.findByRole('table', { name: 'Runbooks' });

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'run',
      entityRef: 'component:default/cart',
      incidentId: 'inc-2',
      runId: 'run-8',
    });
    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'health',
      entityRef: 'component:default/checkout',
    });
    expect(getRunbooks).toHaveBeenCalledTimes(1);

    signals.publish(OPS_SIGNAL_CHANNEL, { type: 'runbooks' });
    await waitFor(() => expect(getRunbooks).toHaveBeenCalledTimes(2));

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'run',
      entityRef: 'Component:default/checkout',
      incidentId: 'inc-1',
      runId: 'run-9',
    });
    expect(
      await screen.findByRole('link', { name: /^running run/ }),
    ).toHaveAttribute('href', '/ops/runs/run-9');
    expect(getRunbooks).toHaveBeenCalledTimes(3);
  });

  it('shows the error of the backend', async () => {
    renderCard({
      getRunbooks: () => Promise.reject(new Error('runbook store unavailable')),
    });

    expect(
      await screen.findByText('Error: runbook store unavailable'),
    ).toBeInTheDocument();
  });

  describe('stored runbooks', () => {
    function stored(overrides: Record<string, unknown> = {}) {
      return {
        ...makeRunbookSummary(
          { source: 'database', origin: 'database' },
          {
            id: 'checkout-pool',
            title: 'Restart checkout when its pool is exhausted',
            version: '2',
            body: undefined,
          },
        ),
        stale: true,
        lastMatchedAt: hoursAgo(24 * 65),
        ...overrides,
      };
    }

    it('marks a runbook from the learning loop as learned, and a stale one with when it last matched', async () => {
      renderCard({
        getRunbooks: async () => ({
          runbooks: [
            stored(),
            {
              ...makeRunbookSummary(),
              stale: false,
              lastMatchedAt: hoursAgo(3),
            },
          ],
          problems: [],
        }),
      });

      const row = await screen.findByRole('row', {
        name: 'Restart checkout when its pool is exhausted',
      });
      expect(within(row).getByLabelText('Learned')).toBeInTheDocument();
      expect(row).toHaveTextContent(
        'learned from resolutions, stored in the database',
      );
      expect(within(row).getByLabelText('Stale')).toBeInTheDocument();
      expect(
        within(row).getByText('last matched 2 months ago'),
      ).toBeInTheDocument();

      const file = screen.getByRole('row', { name: 'Restart a stuck worker' });
      expect(within(file).queryByLabelText('Learned')).toBeNull();
      expect(within(file).queryByLabelText('Stale')).toBeNull();
      expect(
        within(file).getByText('last matched 3 hours ago'),
      ).toBeInTheDocument();
      // A file runbook is exported by being a file already.
      expect(
        within(file).queryByRole('button', { name: 'Export YAML' }),
      ).toBeNull();
      expect(within(file).queryByRole('button', { name: 'Retire' })).toBeNull();
    });

    it('exports a stored runbook as the YAML file to commit', async () => {
      const yaml =
        'id: checkout-pool\ntitle: Restart checkout when its pool is exhausted\n';
      const exportStoredRunbook = jest.fn().mockResolvedValue(yaml);
      const createObjectURL = jest.fn().mockReturnValue('blob:checkout-pool');
      const revokeObjectURL = jest.fn();
      Object.assign(URL, { createObjectURL, revokeObjectURL });
      const click = jest
        .spyOn(HTMLAnchorElement.prototype, 'click')
        .mockImplementation(() => {});
      renderCard({
        getRunbooks: async () => ({ runbooks: [stored()], problems: [] }),
        exportStoredRunbook,
      });

      const row = await screen.findByRole('row', {
        name: 'Restart checkout when its pool is exhausted',
      });
      await userEvent.click(
        within(row).getByRole('button', { name: 'Export YAML' }),
      );
      const dialog = screen.getByRole('dialog', {
        name: 'Export Restart checkout when its pool is exhausted',
      });
      expect(
        await within(dialog).findByLabelText('YAML of checkout-pool'),
      ).toHaveTextContent('id: checkout-pool');
      expect(exportStoredRunbook).toHaveBeenCalledWith('checkout-pool');

      await userEvent.click(
        within(dialog).getByRole('button', {
          name: 'Download checkout-pool.yaml',
        }),
      );
      expect(createObjectURL).toHaveBeenCalledWith(expect.any(Blob));
      const anchor = click.mock.contexts[0] as HTMLAnchorElement;
      expect(anchor.download).toBe('checkout-pool.yaml');
      expect(anchor.href).toBe('blob:checkout-pool');
      expect(revokeObjectURL).toHaveBeenCalledWith('blob:checkout-pool');
      click.mockRestore();
    });

    it('deprecates, retires and reactivates a stored runbook', async () => {
      const getRunbooks = jest
        .fn()
        .mockResolvedValueOnce({ runbooks: [stored()], problems: [] })
        .mockResolvedValue({
          runbooks: [
            {
              ...stored(),
              runbook: { ...stored().runbook, lifecycle: 'deprecated' },
            },
          ],
          problems: [],
        });
      const setStoredRunbookLifecycle = jest
        .fn()
        .mockResolvedValue({ runbookId: 'checkout-pool', version: 3 });
      renderCard({ getRunbooks, setStoredRunbookLifecycle });

      const row = await screen.findByRole('row', {
        name: 'Restart checkout when its pool is exhausted',
      });
      expect(
        within(row).getByRole('button', { name: 'Retire' }),
      ).toBeInTheDocument();
      expect(
        within(row).queryByRole('button', { name: 'Reactivate' }),
      ).toBeNull();
      await userEvent.click(
        within(row).getByRole('button', { name: 'Deprecate' }),
      );

      expect(setStoredRunbookLifecycle).toHaveBeenCalledWith(
        'checkout-pool',
        'deprecated',
      );
      expect(
        await screen.findByText(
          'Restart checkout when its pool is exhausted is deprecated (version 3)',
        ),
      ).toBeInTheDocument();
      expect(
        await within(row).findByLabelText('Lifecycle deprecated'),
      ).toBeInTheDocument();
      expect(getRunbooks).toHaveBeenCalledTimes(2);
      await userEvent.click(
        within(row).getByRole('button', { name: 'Reactivate' }),
      );
      expect(setStoredRunbookLifecycle).toHaveBeenLastCalledWith(
        'checkout-pool',
        'active',
      );
    });

    it('says who may change the lifecycle when the backend refuses', async () => {
      renderCard({
        getRunbooks: async () => ({ runbooks: [stored()], problems: [] }),
        setStoredRunbookLifecycle: () =>
          Promise.reject(
            Object.assign(new Error('user:default/bob may not'), {
              statusCode: 403,
            }),
          ),
      });

      const row = await screen.findByRole('row', {
        name: 'Restart checkout when its pool is exhausted',
      });
      await userEvent.click(
        within(row).getByRole('button', { name: 'Retire' }),
      );
      expect(
        await screen.findByText(
          'Could not change Restart checkout when its pool is exhausted to retired: not allowed: only the owner of the runbook (group:default/payments) or someone allowed ops.runbook.manage may change its lifecycle. user:default/bob may not',
        ),
      ).toBeInTheDocument();
    });

    it('refetches when a draft of the entity was accepted', async () => {
      const signals = createFakeSignalApi();
      const getRunbooks = jest
        .fn()
        .mockResolvedValueOnce(runbooks())
        .mockResolvedValue({ runbooks: [stored()], problems: [] });
      renderCard({ getRunbooks }, [[signalApiRef, signals.api]]);
      await screen.findByRole('table', { name: 'Runbooks' });

      signals.publish(OPS_SIGNAL_CHANNEL, {
        type: 'learning',
        entityRef: 'component:default/checkout',
      });
      expect(await screen.findByLabelText('Learned')).toBeInTheDocument();
    });
  });
});
