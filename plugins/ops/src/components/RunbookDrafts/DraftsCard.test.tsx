import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  OPS_SIGNAL_CHANNEL,
  RunbookDraft,
} from '@operable/backstage-plugin-ops-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OpsApi, opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { createFakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import { checkoutEntity, makeDraft } from '../../__testUtils__/fixtures';
import { RunbookDraftsCard } from './DraftsCard';

function renderCard(
  opsApi: Partial<OpsApi>,
  options: { entity?: Entity; apis?: any[] } = {},
) {
  return renderInTestApp(
    <EntityProvider entity={options.entity ?? checkoutEntity}>
      <RunbookDraftsCard />
    </EntityProvider>,
    {
      apis: [
        [opsApiRef, opsApi],
        mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ...(options.apis ?? []),
      ] as any,
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/ops': rootRouteRef,
      },
    },
  );
}

function listOf(...drafts: RunbookDraft[]) {
  return { items: drafts, totalCount: drafts.length };
}

/** The draft on screen, by its runbook's title. */
async function findDraft(
  title = 'Restart checkout when its pool is exhausted',
) {
  return screen.findByRole('article', { name: title });
}

async function openDecision(button: string, dialogName: string) {
  const draft = await findDraft();
  await userEvent.click(within(draft).getByRole('button', { name: button }));
  return screen.getByRole('dialog', { name: dialogName });
}

/** Types into a field at once: keystroke by keystroke is slow in a dialog. */
async function fill(field: HTMLElement, text: string) {
  await userEvent.click(field);
  await userEvent.paste(text);
}

describe('RunbookDraftsCard', () => {
  it('shows each pending draft with its signature, provenance, manual steps and YAML', async () => {
    const listDrafts = jest.fn().mockResolvedValue(
      listOf(
        makeDraft({
          manualSteps: ['Raised the pool size in the config repo'],
        }),
      ),
    );
    renderCard({ listDrafts });

    const draft = await findDraft();
    expect(listDrafts).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
      status: 'pending',
    });
    expect(within(draft).getByLabelText('Draft pending')).toBeInTheDocument();
    expect(
      within(draft).getByText('checkout-pool-exhausted'),
    ).toBeInTheDocument();
    expect(
      within(draft).getByRole('link', { name: 'payments' }),
    ).toHaveAttribute('href', '/catalog/default/group/payments');

    const signature = within(draft).getByRole('group', { name: 'Signature' });
    expect(
      within(signature).getByLabelText('Signal PoolExhausted'),
    ).toBeInTheDocument();
    expect(within(signature).getByText('service=checkout')).toBeInTheDocument();
    expect(within(signature).getByText('severity=high')).toBeInTheDocument();
    expect(signature).toHaveTextContent('product layer');

    const incidents = within(draft).getByRole('list', { name: 'Incidents' });
    expect(
      within(incidents)
        .getAllByRole('link')
        .map(link => link.getAttribute('href')),
    ).toEqual([
      '/ops/incidents/inc-11',
      '/ops/incidents/inc-12',
      '/ops/incidents/inc-13',
    ]);
    expect(draft).toHaveTextContent(
      'Drafted from 3 incidents resolved the same way',
    );
    expect(
      within(
        within(draft).getByRole('list', { name: 'Shared actions' }),
      ).getByText('http:request'),
    ).toBeInTheDocument();

    const manual = within(draft).getByLabelText('Manual steps');
    expect(manual).toHaveTextContent('One step is still manual');
    expect(manual).toHaveTextContent('Raised the pool size in the config repo');

    const yaml = within(draft).getByLabelText(
      'Runbook YAML of Restart checkout when its pool is exhausted',
    );
    expect(yaml).toHaveTextContent('id: checkout-pool-exhausted');
    expect(yaml).toHaveTextContent('action: http:request');

    const review = within(draft).getByRole('group', {
      name: 'Review Restart checkout when its pool is exhausted',
    });
    expect(
      within(review)
        .getAllByRole('button')
        .map(button => button.textContent),
    ).toEqual(['Accept', 'Edit', 'Snooze', 'Reject']);
  });

  it('says when nothing waits for review', async () => {
    renderCard({ listDrafts: async () => listOf() });
    expect(
      await screen.findByText(/No runbook draft waits for review/),
    ).toBeInTheDocument();
  });

  it('checks an edited runbook before saving it', async () => {
    const draft = makeDraft();
    const listDrafts = jest.fn().mockResolvedValue(listOf(draft));
    const updateDraft = jest.fn().mockResolvedValue(draft);
    renderCard({ listDrafts, updateDraft });

    const dialog = await openDecision('Edit', 'Edit the draft');
    const editor = within(dialog).getByLabelText('Runbook (YAML)');
    const original = (editor as HTMLTextAreaElement).value;
    expect(original).toContain(
      'title: Restart checkout when its pool is exhausted',
    );

    // An action id a runbook cannot have, and a YAML key twice.
    await userEvent.clear(editor);
    await fill(
      editor,
      original.replace('action: http:request', 'action: Restart It'),
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    const problems = within(dialog).getByLabelText('Runbook problems');
    const line =
      original
        .split('\n')
        .findIndex(each => each.includes('action: http:request')) + 1;
    expect(problems).toHaveTextContent(
      `line ${line}: remediation.0.action: expected an action id such as http:request`,
    );

    await userEvent.clear(editor);
    await fill(editor, `${original}id: twice\n`);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByLabelText('Runbook problems')).toHaveTextContent(
      /unique/,
    );
    expect(updateDraft).not.toHaveBeenCalled();

    await userEvent.clear(editor);
    await fill(
      editor,
      original.replace(
        'title: Restart checkout when its pool is exhausted',
        'title: Restart checkout on pool exhaustion',
      ),
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(updateDraft).toHaveBeenCalledWith('draft-1', {
      ...draft.runbook,
      title: 'Restart checkout on pool exhaustion',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(listDrafts).toHaveBeenCalledTimes(2);
  });

  it('shows the field the backend refuses in an edited runbook', async () => {
    const refusal = Object.assign(
      new Error('runbook.remediation.0.action: unknown action http:requets'),
      { name: 'InputError', statusCode: 400 },
    );
    renderCard({
      listDrafts: async () => listOf(makeDraft()),
      updateDraft: jest.fn().mockRejectedValue(refusal),
    });

    const dialog = await openDecision('Edit', 'Edit the draft');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(
      await within(dialog).findByText(
        'runbook.remediation.0.action: unknown action http:requets',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Could not save the draft'),
    ).toBeInTheDocument();
  });

  it('accepts a draft after saying what accepting does', async () => {
    const draft = makeDraft();
    const listDrafts = jest
      .fn()
      .mockResolvedValueOnce(listOf(draft))
      .mockResolvedValue(listOf());
    const acceptDraft = jest.fn().mockResolvedValue({
      draft: { ...draft, status: 'accepted' },
      runbook: {
        runbookId: draft.runbook.id,
        version: 1,
        runbook: draft.runbook,
        lifecycle: 'active',
        createdBy: 'user:default/alice',
        createdAt: new Date().toISOString(),
        draftId: draft.id,
      },
    });
    renderCard({ listDrafts, acceptDraft });

    const dialog = await openDecision('Accept', 'Accept the draft');
    expect(dialog).toHaveTextContent('becomes an active runbook');
    expect(acceptDraft).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Accept' }),
    );

    expect(acceptDraft).toHaveBeenCalledWith('draft-1');
    expect(
      await screen.findByText(
        'Accepted: Restart checkout when its pool is exhausted is active as version 1',
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/No runbook draft waits for review/),
    ).toBeInTheDocument();
  });

  it('says clearly when the backend does not let the user review', async () => {
    const refusal = Object.assign(
      new Error('user:default/bob does not own component:default/checkout'),
      { name: 'NotAllowedError', statusCode: 403 },
    );
    renderCard({
      listDrafts: async () => listOf(makeDraft()),
      acceptDraft: jest.fn().mockRejectedValue(refusal),
    });

    const dialog = await openDecision('Accept', 'Accept the draft');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Accept' }),
    );

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Could not accept the draft: not allowed');
    expect(alert).toHaveTextContent(
      'Only the owner of component:default/checkout (group:default/payments) or someone allowed ops.learning.review may review its drafts.',
    );
    expect(alert).toHaveTextContent(
      'user:default/bob does not own component:default/checkout',
    );
  });

  it('rejects a draft only with a reason', async () => {
    const rejectDraft = jest
      .fn()
      .mockResolvedValue(makeDraft({ status: 'rejected' }));
    renderCard({ listDrafts: async () => listOf(makeDraft()), rejectDraft });

    const dialog = await openDecision('Reject', 'Reject the draft');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );
    expect(
      within(dialog).getByText('A rejection needs a reason'),
    ).toBeInTheDocument();
    expect(rejectDraft).not.toHaveBeenCalled();

    await fill(
      within(dialog).getByLabelText(/Reason/),
      'We fix the pool instead',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );

    expect(rejectDraft).toHaveBeenCalledWith(
      'draft-1',
      'We fix the pool instead',
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('snoozes a draft with a reason until a later date', async () => {
    const snoozeDraft = jest
      .fn()
      .mockResolvedValue(makeDraft({ status: 'snoozed' }));
    renderCard({ listDrafts: async () => listOf(makeDraft()), snoozeDraft });

    const dialog = await openDecision('Snooze', 'Snooze the draft');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Snooze' }),
    );
    expect(
      within(dialog).getByText('A snooze needs a reason'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Pick the date it comes back'),
    ).toBeInTheDocument();

    await fill(
      within(dialog).getByLabelText(/Reason/),
      'After the pool migration',
    );
    const until = within(dialog).getByLabelText(/Until/);
    fireEvent.change(until, { target: { value: '2020-01-01' } });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Snooze' }),
    );
    expect(
      within(dialog).getByText('Pick a date after today'),
    ).toBeInTheDocument();
    expect(snoozeDraft).not.toHaveBeenCalled();

    fireEvent.change(until, { target: { value: '2099-04-01' } });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Snooze' }),
    );

    expect(snoozeDraft).toHaveBeenCalledWith('draft-1', {
      reason: 'After the pool migration',
      until: new Date('2099-04-01T00:00:00').toISOString(),
    });
  });

  it('on a group lists the drafts it reviews, naming their entities', async () => {
    const listDrafts = jest.fn().mockResolvedValue(listOf(makeDraft()));
    renderCard(
      { listDrafts },
      {
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'payments', namespace: 'default' },
          spec: { type: 'team', children: [] },
        },
      },
    );

    const draft = await findDraft();
    expect(listDrafts).toHaveBeenCalledWith({
      owner: 'group:default/payments',
      status: 'pending',
    });
    expect(
      within(draft).getAllByRole('link', { name: 'checkout' })[0],
    ).toHaveAttribute('href', '/catalog/default/component/checkout');
  });

  it('refetches when the drafts of the entity change', async () => {
    const signals = createFakeSignalApi();
    const listDrafts = jest
      .fn()
      .mockResolvedValueOnce(listOf())
      .mockResolvedValue(listOf(makeDraft()));
    renderCard({ listDrafts }, { apis: [[signalApiRef, signals.api]] });
    await screen.findByText(/No runbook draft waits for review/);

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'learning',
      entityRef: 'component:default/cart',
    });
    expect(listDrafts).toHaveBeenCalledTimes(1);

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'learning',
      entityRef: 'component:default/checkout',
    });
    expect(await findDraft()).toBeInTheDocument();
  });

  it('shows the error of the backend', async () => {
    renderCard({
      listDrafts: () => Promise.reject(new Error('learning store unavailable')),
    });
    expect(
      await screen.findByText('Error: learning store unavailable'),
    ).toBeInTheDocument();
  });
});
