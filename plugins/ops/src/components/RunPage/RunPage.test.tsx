import { ResponseError } from '@backstage/errors';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  OPS_SIGNAL_CHANNEL,
  RunDetails,
} from '@operable/backstage-plugin-ops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OpsApi, opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { createFakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import { hoursAgo, makeRun, makeStep } from '../../__testUtils__/fixtures';
import { NfsOpsPage } from '../OpsPage';

function details(overrides: Partial<RunDetails> = {}): RunDetails {
  return {
    run: makeRun({
      id: 'run-1',
      status: 'failed',
      reason: 'Verification timed out after 5m: HighErrorRate still firing',
      requestedBy: 'user:default/alice',
      startedAt: hoursAgo(2),
      finishedAt: hoursAgo(1.9),
    }),
    steps: [
      makeStep({
        stepId: 'restart',
        name: 'Restart the worker',
        phase: 'remediation',
        action: 'http:request',
        status: 'succeeded',
        input: { url: 'http://checkout:8080/admin/restart', token: '***' },
        output: { status: 202 },
        idempotencyKey: 'run-1:restart:1',
        startedAt: hoursAgo(1.98),
        durationMs: 4270,
      }),
      makeStep({
        stepId: 'recovered',
        phase: 'verify',
        action: 'health:wait',
        status: 'failed',
        error: 'health stayed failing for 5m',
        idempotencyKey: 'run-1:recovered:1',
        startedAt: hoursAgo(1.97),
        durationMs: 300000,
      }),
      makeStep({
        stepId: 'check',
        phase: 'diagnostics',
        action: 'http:check',
        status: 'succeeded',
        input: { url: 'http://checkout:8080/healthz' },
        output: 'worker queue stuck at 1200 jobs',
        idempotencyKey: 'run-1:check:1',
        startedAt: hoursAgo(2),
        durationMs: 120,
      }),
    ],
    ...overrides,
  };
}

function awaitingApproval(): RunDetails {
  return details({
    run: makeRun({
      id: 'run-1',
      status: 'awaiting-approval',
      reason: 'The runbook requires approval for regulated entities',
      startedAt: undefined,
      finishedAt: undefined,
    }),
    steps: [],
  });
}

function renderRunPage(
  opsApi: Partial<OpsApi>,
  options: { apis?: any[] } = {},
) {
  return renderInTestApp(<NfsOpsPage />, {
    mountPath: '/ops',
    initialRouteEntries: ['/ops/runs/run-1'],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/ops': rootRouteRef,
    },
    apis: [
      [opsApiRef, opsApi],
      mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
      ...(options.apis ?? []),
    ] as any,
  });
}

function fact(label: string) {
  return within(screen.getByRole('table', { name: 'Run details' })).getByRole(
    'row',
    { name: label },
  );
}

describe('RunPage', () => {
  it('shows what the run is, who asked, and why it ended as it did', async () => {
    const getRun = jest.fn().mockResolvedValue(details());
    renderRunPage({ getRun });

    expect(
      await screen.findByRole('heading', { name: 'Run of restart-worker' }),
    ).toBeInTheDocument();
    expect(getRun).toHaveBeenCalledWith('run-1');
    expect(
      screen.getByRole('link', { name: '← The incident' }),
    ).toHaveAttribute('href', '/ops/incidents/inc-1');
    expect(
      screen.getByText(
        'Verification timed out after 5m: HighErrorRate still firing',
        { selector: '.MuiAlert-message' },
      ),
    ).toBeInTheDocument();

    expect(
      within(fact('Status')).getByLabelText('Run status failed'),
    ).toBeInTheDocument();
    expect(fact('Runbook')).toHaveTextContent('restart-worker v3');
    expect(
      within(fact('Incident')).getByRole('link', { name: 'inc-1' }),
    ).toHaveAttribute('href', '/ops/incidents/inc-1');
    expect(
      within(fact('Entity')).getByRole('link', { name: 'checkout' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout');
    expect(
      within(fact('Ops agent')).getByRole('link', { name: 'checkout-agent' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout-agent');
    expect(fact('Mode')).toHaveTextContent('Real run');
    expect(
      within(fact('Requested by')).getByRole('link', { name: 'alice' }),
    ).toHaveAttribute('href', '/catalog/default/user/alice');
    expect(fact('Duration')).toHaveTextContent('6m');
    // Nobody decides on a run that needed no approval.
    expect(
      within(screen.getByRole('table', { name: 'Run details' })).queryByRole(
        'row',
        { name: 'Decided by' },
      ),
    ).not.toBeInTheDocument();
  });

  it('lists every step in order with phase, action, status, duration, key and error', async () => {
    renderRunPage({ getRun: async () => details() });

    const list = await screen.findByRole('list', { name: 'Steps' });
    const steps = within(list).getAllByRole('listitem');
    expect(steps.map(step => step.getAttribute('aria-label'))).toEqual([
      'Step 1: check',
      'Step 2: Restart the worker',
      'Step 3: recovered',
    ]);

    const [check, restart, recovered] = steps;
    expect(
      within(check).getByLabelText('Phase diagnostics'),
    ).toBeInTheDocument();
    expect(within(check).getByText('http:check')).toBeInTheDocument();
    expect(within(check).getByText('took 120 ms')).toBeInTheDocument();

    expect(
      within(restart).getByLabelText('Phase remediation'),
    ).toBeInTheDocument();
    expect(within(restart).getByText('http:request')).toBeInTheDocument();
    expect(
      within(restart).getByLabelText('Step status succeeded'),
    ).toBeInTheDocument();
    expect(within(restart).getByText('took 4.2 s')).toBeInTheDocument();
    expect(within(restart).getByText('run-1:restart:1')).toBeInTheDocument();
    expect(within(restart).getByText('restart')).toBeInTheDocument();

    expect(
      within(recovered).getByLabelText('Phase verify'),
    ).toBeInTheDocument();
    expect(
      within(recovered).getByLabelText('Step status failed'),
    ).toBeInTheDocument();
    expect(within(recovered).getByText('took 5m')).toBeInTheDocument();
    expect(
      within(recovered).getByText('health stayed failing for 5m'),
    ).toBeInTheDocument();
    expect(
      within(recovered).getByText('No input recorded'),
    ).toBeInTheDocument();
    expect(
      within(recovered).getByText('No output recorded'),
    ).toBeInTheDocument();
  });

  it('folds away the input and output of a step until asked for', async () => {
    renderRunPage({ getRun: async () => details() });

    const restart = await screen.findByRole('listitem', {
      name: 'Step 2: Restart the worker',
    });
    expect(
      within(restart).queryByRole('region', { name: 'Input' }),
    ).not.toBeInTheDocument();

    const input = within(restart).getByRole('button', { name: 'Input' });
    expect(input).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(input);
    expect(input).toHaveAttribute('aria-expanded', 'true');
    expect(
      within(restart).getByRole('region', { name: 'Input' }).textContent,
    ).toBe(
      JSON.stringify(
        { url: 'http://checkout:8080/admin/restart', token: '***' },
        null,
        2,
      ),
    );

    await userEvent.click(
      within(restart).getByRole('button', { name: 'Output' }),
    );
    expect(
      within(restart).getByRole('region', { name: 'Output' }).textContent,
    ).toBe(JSON.stringify({ status: 202 }, null, 2));

    // Text output stays text.
    const check = screen.getByRole('listitem', { name: 'Step 1: check' });
    await userEvent.click(
      within(check).getByRole('button', { name: 'Output' }),
    );
    expect(
      within(check).getByRole('region', { name: 'Output' }).textContent,
    ).toBe('worker queue stuck at 1200 jobs');
  });

  it('approves a run that awaits approval, with a message', async () => {
    const approved = details({
      run: {
        ...awaitingApproval().run,
        status: 'running',
        decidedBy: 'user:default/bob',
        startedAt: hoursAgo(0),
      },
      steps: [],
    });
    const getRun = jest
      .fn()
      .mockResolvedValueOnce(awaitingApproval())
      .mockResolvedValue(approved);
    const approveRun = jest.fn().mockResolvedValue(approved.run);
    renderRunPage({ getRun, approveRun });

    expect(
      await screen.findByText(
        'The runbook requires approval for regulated entities',
        { selector: '.MuiAlert-message' },
      ),
    ).toBeInTheDocument();
    expect(fact('Decided by')).toHaveTextContent('nobody yet');
    expect(screen.getByRole('button', { name: 'Reject' })).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Cancel run' }),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    const dialog = screen.getByRole('dialog', { name: 'Approve the run' });
    await userEvent.type(
      within(dialog).getByLabelText('Message (optional)'),
      'Change window open',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );

    expect(approveRun).toHaveBeenCalledWith('run-1', {
      message: 'Change window open',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(
      await screen.findByLabelText('Run status running', {
        selector: 'table *',
      }),
    ).toBeInTheDocument();
    expect(getRun).toHaveBeenCalledTimes(2);
    expect(
      within(fact('Decided by')).getByRole('link', { name: 'bob' }),
    ).toBeInTheDocument();
    // Decided: only Cancel is left for a running run.
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Approve' }),
      ).not.toBeInTheDocument(),
    );
    expect(
      screen.queryByRole('button', { name: 'Reject' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Cancel run' }),
    ).toBeInTheDocument();
  });

  it('rejects a run without a message', async () => {
    const rejectRun = jest.fn().mockResolvedValue({
      ...awaitingApproval().run,
      status: 'rejected',
    });
    renderRunPage({
      getRun: jest.fn().mockResolvedValue(awaitingApproval()),
      rejectRun,
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Reject' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Reject the run' });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );

    expect(rejectRun).toHaveBeenCalledWith('run-1', { message: undefined });
  });

  it('cancels a running run', async () => {
    const running = details({
      run: makeRun({ id: 'run-1', status: 'running', finishedAt: undefined }),
    });
    const cancelRun = jest
      .fn()
      .mockResolvedValue({ ...running.run, status: 'cancelled' });
    renderRunPage({
      getRun: jest.fn().mockResolvedValue(running),
      cancelRun,
    });

    expect(await screen.findByText(/so far$/)).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel run' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel the run' });
    await userEvent.type(
      within(dialog).getByLabelText('Message (optional)'),
      'Wrong target',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel run' }),
    );

    expect(cancelRun).toHaveBeenCalledWith('run-1', {
      message: 'Wrong target',
    });
  });

  it('offers nothing to decide on a finished run', async () => {
    renderRunPage({ getRun: async () => details() });

    await screen.findByRole('heading', { name: 'Run of restart-worker' });
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Cancel run' }),
    ).not.toBeInTheDocument();
  });

  it('shows where the run is now when a decision comes too late', async () => {
    const getRun = jest
      .fn()
      .mockResolvedValueOnce(awaitingApproval())
      .mockResolvedValue(
        details({
          run: {
            ...awaitingApproval().run,
            status: 'rejected',
            decidedBy: 'user:default/carol',
          },
        }),
      );
    const conflict = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'ConflictError',
            message: 'run run-1 is rejected, not awaiting-approval',
          },
          request: { method: 'POST', url: '/runs/run-1/approve' },
          response: { statusCode: 409 },
        }),
        { status: 409, headers: { 'Content-Type': 'application/json' } },
      ) as any,
    );
    const approveRun = jest.fn().mockRejectedValue(conflict);
    renderRunPage({ getRun, approveRun });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve' }),
    );
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Approve',
      }),
    );

    expect(
      await screen.findByText(
        'The run moved on before it could be approved: run run-1 is rejected, not awaiting-approval',
      ),
    ).toBeInTheDocument();
    expect(
      within(await screen.findByRole('row', { name: 'Decided by' })).getByRole(
        'link',
        { name: 'carol' },
      ),
    ).toBeInTheDocument();
    expect(getRun).toHaveBeenCalledTimes(2);
  });

  it('refetches when the backend pushes a change to this run', async () => {
    const signals = createFakeSignalApi();
    const getRun = jest
      .fn()
      .mockResolvedValueOnce(awaitingApproval())
      .mockResolvedValue(details());
    renderRunPage({ getRun }, { apis: [[signalApiRef, signals.api]] });
    await screen.findByRole('heading', { name: 'Run of restart-worker' });

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'run',
      entityRef: 'component:default/checkout',
      incidentId: 'inc-1',
      runId: 'run-2',
    });
    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'incident',
      entityRef: 'component:default/checkout',
      incidentId: 'inc-1',
    });
    expect(getRun).toHaveBeenCalledTimes(1);

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'run',
      entityRef: 'component:default/checkout',
      incidentId: 'inc-1',
      runId: 'run-1',
    });
    expect(
      await screen.findByRole('list', { name: 'Steps' }),
    ).toBeInTheDocument();
    expect(getRun).toHaveBeenCalledTimes(2);
  });

  it('shows the error of the backend for an unknown run', async () => {
    renderRunPage({
      getRun: () => Promise.reject(new Error('run run-1 not found')),
    });

    expect(
      await screen.findByText('Error: run run-1 not found'),
    ).toBeInTheDocument();
  });
});
