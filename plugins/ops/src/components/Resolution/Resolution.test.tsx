import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ActionDescription,
  IncidentDetails,
} from '@operable/backstage-plugin-ops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OpsApi, opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  hoursAgo,
  makeIncident,
  makeResolution,
} from '../../__testUtils__/fixtures';
import { IncidentActions } from '../IncidentPage/IncidentActions';
import { NfsOpsPage } from '../OpsPage';

const actions: ActionDescription[] = [
  {
    id: 'http:request',
    description: 'Calls an allowlisted HTTP endpoint',
    readOnly: false,
    inputSchema: {
      type: 'object',
      properties: {
        url: { type: 'string' },
        method: { type: 'string', enum: ['GET', 'POST'] },
        headers: { type: 'object' },
      },
      required: ['url'],
    },
  },
  {
    id: 'kubernetes:restart',
    description: 'Restarts the pods of a deployment',
    readOnly: false,
    inputSchema: {
      type: 'object',
      properties: {
        deployment: { type: 'string', description: 'Name of the deployment' },
        replicas: { type: 'integer' },
        force: { type: 'boolean' },
      },
      required: ['deployment'],
    },
  },
];

function details(overrides: Partial<IncidentDetails['incident']> = {}) {
  return {
    incident: makeIncident({ id: 'inc-1', tier: 'novel', ...overrides }),
    timeline: [],
    blastRadius: [],
  };
}

/**
 * Only the actions of the incident, for the tests that fill the form: the
 * whole page makes every keystroke in the dialog slow on a busy runner.
 */
function renderActions(
  incident: IncidentDetails['incident'],
  opsApi: Partial<OpsApi>,
) {
  const onChanged = jest.fn();
  renderInTestApp(
    <IncidentActions incident={incident} onChanged={onChanged} />,
    {
      apis: [
        [opsApiRef, { listActions: async () => ({ actions }), ...opsApi }],
        mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
      ] as any,
    },
  );
  return onChanged;
}

function renderIncident(opsApi: Partial<OpsApi>) {
  return renderInTestApp(<NfsOpsPage />, {
    mountPath: '/ops',
    initialRouteEntries: ['/ops/incidents/inc-1'],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/ops': rootRouteRef,
    },
    apis: [
      [
        opsApiRef,
        {
          listRuns: async () => ({ items: [], totalCount: 0 }),
          listPages: async () => ({ items: [], totalCount: 0 }),
          getRunbooks: async () => ({ runbooks: [], problems: [] }),
          listActions: async () => ({ actions }),
          ...opsApi,
        },
      ],
      mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
    ] as any,
  });
}

/** Types into a field at once: keystroke by keystroke is slow in a big dialog. */
async function fill(field: HTMLElement, text: string) {
  await userEvent.click(field);
  await userEvent.paste(text);
}

async function openResolveDialog() {
  await userEvent.click(await screen.findByRole('button', { name: 'Resolve' }));
  const dialog = screen.getByRole('dialog', { name: 'Resolve the incident' });
  // The action registry arrives before the form is used.
  await waitFor(() =>
    expect(
      within(dialog).queryByLabelText('Loading actions'),
    ).not.toBeInTheDocument(),
  );
  return dialog;
}

describe('the structured resolution', () => {
  it('asks a novel incident for its cause and actions before anything is sent', async () => {
    const resolveIncident = jest.fn().mockResolvedValue(makeIncident());
    renderIncident({
      getIncident: jest.fn().mockResolvedValue(details()),
      resolveIncident,
    });
    const dialog = await openResolveDialog();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );
    expect(within(dialog).getByText('pick a cause')).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'name at least one action taken, or say the incident was not actionable',
      ),
    ).toBeInTheDocument();
    expect(resolveIncident).not.toHaveBeenCalled();

    await userEvent.selectOptions(
      within(dialog).getByRole('combobox', { name: /Cause/ }),
      'capacity',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Add an action' }),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );
    expect(
      within(dialog).getByText('pick an action, or remove this step'),
    ).toBeInTheDocument();
    expect(resolveIncident).not.toHaveBeenCalled();
  });

  it('fills the input of a picked action from fields of its schema', async () => {
    const resolveIncident = jest.fn().mockResolvedValue(makeIncident());
    renderIncident({
      getIncident: jest.fn().mockResolvedValue(details()),
      resolveIncident,
    });
    const dialog = await openResolveDialog();
    await userEvent.selectOptions(
      within(dialog).getByRole('combobox', { name: /Cause/ }),
      'capacity',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Add an action' }),
    );

    // Every property of this action fits a plain field: fields it is.
    await userEvent.selectOptions(
      within(dialog).getByLabelText('Step 1 action'),
      'kubernetes:restart',
    );
    expect(
      within(dialog).getByText('Restarts the pods of a deployment'),
    ).toBeInTheDocument();
    await fill(within(dialog).getByLabelText('Step 1 replicas'), '1.5');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );
    expect(
      within(dialog).getByText('deployment is required'),
    ).toBeInTheDocument();

    await fill(within(dialog).getByLabelText('Step 1 deployment'), 'checkout');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );
    expect(
      within(dialog).getByText('replicas must be a whole number'),
    ).toBeInTheDocument();
    await userEvent.clear(within(dialog).getByLabelText('Step 1 replicas'));
    await fill(within(dialog).getByLabelText('Step 1 replicas'), '2');
    await userEvent.selectOptions(
      within(dialog).getByLabelText('Step 1 force'),
      'true',
    );
    await fill(
      within(dialog).getByLabelText('Message for the timeline (optional)'),
      'Back to normal',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );

    expect(resolveIncident).toHaveBeenCalledWith('inc-1', {
      message: 'Back to normal',
      resolution: {
        cause: 'capacity',
        actions: [
          {
            action: 'kubernetes:restart',
            input: { deployment: 'checkout', replicas: 2, force: true },
          },
        ],
        notActionable: false,
      },
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('sends the actions in the order they were taken', async () => {
    const resolveIncident = jest.fn().mockResolvedValue(makeIncident());
    renderActions(details().incident, { resolveIncident });
    const dialog = await openResolveDialog();
    await userEvent.selectOptions(
      within(dialog).getByRole('combobox', { name: /Cause/ }),
      'configuration',
    );
    for (const text of ['Reverted the flag', 'Raised the pool size', 'Oops']) {
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Add a step in words' }),
      );
      const steps = within(dialog).getAllByLabelText(/: what you did$/);
      await fill(steps[steps.length - 1], text);
    }

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Remove step 3' }),
    );
    // The pool came first: move it up.
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Move step 2 up' }),
    );
    const steps = within(
      within(dialog).getByRole('list', { name: 'Actions taken' }),
    ).getAllByRole('listitem');
    expect(steps).toHaveLength(2);
    expect(within(steps[0]).getByLabelText('Step 1: what you did')).toHaveValue(
      'Raised the pool size',
    );
    expect(
      within(dialog).getByRole('button', { name: 'Move step 1 up' }),
    ).toBeDisabled();
    expect(
      within(dialog).getByRole('button', { name: 'Move step 2 down' }),
    ).toBeDisabled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );
    expect(resolveIncident).toHaveBeenCalledWith('inc-1', {
      message: undefined,
      resolution: {
        cause: 'configuration',
        actions: [
          { text: 'Raised the pool size' },
          { text: 'Reverted the flag' },
        ],
        notActionable: false,
      },
    });
  });

  it('takes an input as JSON, checks it, and keeps it when switching to fields', async () => {
    const resolveIncident = jest.fn().mockResolvedValue(makeIncident());
    renderIncident({
      getIncident: jest.fn().mockResolvedValue(details({ tier: 'systemic' })),
      resolveIncident,
    });
    const dialog = await openResolveDialog();

    await userEvent.selectOptions(
      within(dialog).getByRole('combobox', { name: /Cause/ }),
      'dependency',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Add an action' }),
    );
    // headers is an object: no plain field holds it, so JSON comes first.
    await userEvent.selectOptions(
      within(dialog).getByLabelText('Step 1 action'),
      'http:request',
    );
    const json = within(dialog).getByLabelText('Step 1 input as JSON');
    await userEvent.clear(json);
    await userEvent.click(json);
    await userEvent.paste('{"url": "http://checkout:8080/admin/restart",');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );
    expect(
      within(dialog).getByText(/^input is not valid JSON/),
    ).toBeInTheDocument();

    await userEvent.clear(json);
    await userEvent.paste('[1, 2]');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );
    expect(
      within(dialog).getByText(/^input must be a JSON object/),
    ).toBeInTheDocument();

    await userEvent.clear(json);
    await userEvent.paste(
      '{"url": "http://checkout:8080/admin/restart", "method": "POST"}',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Fields' }),
    );
    expect(within(dialog).getByLabelText('Step 1 url')).toHaveValue(
      'http://checkout:8080/admin/restart',
    );
    expect(within(dialog).getByLabelText('Step 1 method')).toHaveValue('POST');
    expect(
      within(dialog).getByText('headers: only as JSON'),
    ).toBeInTheDocument();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );
    expect(resolveIncident).toHaveBeenCalledWith('inc-1', {
      message: undefined,
      resolution: {
        cause: 'dependency',
        actions: [
          {
            action: 'http:request',
            input: {
              url: 'http://checkout:8080/admin/restart',
              method: 'POST',
            },
          },
        ],
        notActionable: false,
      },
    });
  });

  it('accepts "not actionable" without any action', async () => {
    const resolveIncident = jest.fn().mockResolvedValue(makeIncident());
    renderIncident({
      getIncident: jest.fn().mockResolvedValue(details()),
      resolveIncident,
    });
    const dialog = await openResolveDialog();

    await userEvent.selectOptions(
      within(dialog).getByRole('combobox', { name: /Cause/ }),
      'external',
    );
    await userEvent.click(
      within(dialog).getByRole('checkbox', { name: /Not actionable/ }),
    );
    expect(
      within(dialog).getByText('Actions taken (optional)'),
    ).toBeInTheDocument();
    await fill(
      within(dialog).getByLabelText('Notes (optional)'),
      'The payment provider had an outage',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );

    expect(resolveIncident).toHaveBeenCalledWith('inc-1', {
      message: undefined,
      resolution: {
        cause: 'external',
        actions: [],
        notActionable: true,
        notes: 'The payment provider had an outage',
      },
    });
  });

  it('keeps the form and shows what the backend refused', async () => {
    const refusal = Object.assign(
      new Error(
        'resolution.actions.0.action: unknown action kubernetes:restart',
      ),
      { name: 'InputError', statusCode: 400 },
    );
    renderIncident({
      getIncident: jest.fn().mockResolvedValue(details()),
      resolveIncident: jest.fn().mockRejectedValue(refusal),
    });
    const dialog = await openResolveDialog();

    await userEvent.selectOptions(
      within(dialog).getByRole('combobox', { name: /Cause/ }),
      'capacity',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Add a step in words' }),
    );
    await fill(
      within(dialog).getByLabelText('Step 1: what you did'),
      'Restarted it',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );

    expect(
      await within(dialog).findByText(/unknown action kubernetes:restart/),
    ).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Step 1: what you did')).toHaveValue(
      'Restarted it',
    );
  });

  it('lets a routine incident resolve with a message only', async () => {
    const resolveIncident = jest.fn().mockResolvedValue(makeIncident());
    const listActions = jest.fn().mockResolvedValue({ actions });
    renderIncident({
      getIncident: jest.fn().mockResolvedValue(details({ tier: 'routine' })),
      resolveIncident,
      listActions,
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Resolve' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Resolve the incident' });
    expect(
      within(dialog).queryByRole('combobox', { name: /Cause/ }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );
    expect(resolveIncident).toHaveBeenCalledWith('inc-1', {
      message: undefined,
    });
    expect(listActions).not.toHaveBeenCalled();
  });

  it('shows the resolution of a resolved incident and its timeline entry', async () => {
    const getResolution = jest.fn().mockResolvedValue(makeResolution());
    renderIncident({
      getIncident: jest.fn().mockResolvedValue({
        ...details({
          status: 'resolved',
          resolvedAt: hoursAgo(1),
          resolvedBy: 'user:default/alice',
        }),
        timeline: [
          {
            id: 5,
            incidentId: 'inc-1',
            at: hoursAgo(1),
            type: 'resolution',
            actor: 'user:default/alice',
            message: 'Resolved: capacity',
            // As the backend records it: the resolution under its name.
            data: { resolution: makeResolution() },
          },
        ],
      }),
      getResolution,
    });

    const card = (await screen.findByText('Cause: Capacity')).closest(
      '[class*="MuiCard-root"]',
    ) as HTMLElement;
    expect(getResolution).toHaveBeenCalledWith('inc-1');
    const taken = within(card).getByRole('list', { name: 'Actions taken' });
    const items = within(taken).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('http:request');
    expect(items[0]).toHaveTextContent(
      '"url": "http://checkout:8080/admin/restart"',
    );
    expect(items[1]).toHaveTextContent(
      'Raised the pool size in the config repo',
    );
    expect(
      within(card).getByText('The pool ran dry after the deploy.'),
    ).toBeInTheDocument();
    expect(within(card).getByText(/after 42m/)).toBeInTheDocument();
    expect(
      within(card).queryByRole('button', { name: 'Add the resolution' }),
    ).not.toBeInTheDocument();

    const timeline = screen.getByRole('list', { name: 'Timeline' });
    const [entry] = within(timeline).getAllByRole('listitem');
    expect(within(entry).getByLabelText('Type resolution')).toBeInTheDocument();
    expect(within(entry).getByText('Resolved: capacity')).toBeInTheDocument();
    expect(
      within(entry).getByText('cause capacity · 2 actions taken'),
    ).toBeInTheDocument();
  });

  it('offers to add the resolution of a novel incident resolved without one', async () => {
    const notFound = Object.assign(new Error('no resolution'), {
      statusCode: 404,
    });
    const getResolution = jest
      .fn()
      .mockRejectedValueOnce(notFound)
      .mockResolvedValue(
        makeResolution({ cause: 'data', actions: [{ text: 'Fixed a row' }] }),
      );
    const addResolution = jest.fn().mockResolvedValue(makeResolution());
    renderIncident({
      getIncident: jest
        .fn()
        .mockResolvedValue(
          details({ status: 'resolved', resolvedAt: hoursAgo(1) }),
        ),
      getResolution,
      addResolution,
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Add the resolution' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Add the resolution' });
    await waitFor(() =>
      expect(
        within(dialog).queryByLabelText('Loading actions'),
      ).not.toBeInTheDocument(),
    );
    await userEvent.selectOptions(
      within(dialog).getByRole('combobox', { name: /Cause/ }),
      'data',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Add a step in words' }),
    );
    await fill(
      within(dialog).getByLabelText('Step 1: what you did'),
      'Fixed a row',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Save resolution' }),
    );

    expect(addResolution).toHaveBeenCalledWith('inc-1', {
      cause: 'data',
      actions: [{ text: 'Fixed a row' }],
      notActionable: false,
    });
    expect(await screen.findByText('Cause: Data')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Add the resolution' }),
    ).not.toBeInTheDocument();
  });

  it('shows no resolution card for a routine incident the agent healed', async () => {
    const getResolution = jest
      .fn()
      .mockRejectedValue(Object.assign(new Error('none'), { statusCode: 404 }));
    renderIncident({
      getIncident: jest.fn().mockResolvedValue(
        details({
          tier: 'routine',
          status: 'resolved',
          resolvedAt: hoursAgo(1),
          resolvedBy: 'component:default/checkout-agent',
        }),
      ),
      getResolution,
    });

    await screen.findByRole('heading', { name: 'Checkout returns 500s' });
    await waitFor(() => expect(getResolution).toHaveBeenCalled());
    expect(screen.queryByText('Resolution')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Add the resolution' }),
    ).not.toBeInTheDocument();
  });
});
