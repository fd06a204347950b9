import { useState } from 'react';
import { ResponseError, assertError } from '@backstage/errors';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Run,
  opsRunApprovePermission,
  opsRunCancelPermission,
} from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { opsApiRef } from '../../api';
import { isRunUnfinished, MessageDialog } from '../common';

type Decision = 'approve' | 'reject' | 'cancel';

const DECISION_TEXTS: Record<
  Decision,
  {
    button: string;
    title: string;
    description: string;
    done: string;
    verb: string;
    past: string;
  }
> = {
  approve: {
    button: 'Approve',
    title: 'Approve the run',
    description:
      'The run goes ahead with its remediation. The message is recorded with your decision.',
    done: 'Run approved',
    verb: 'approve',
    past: 'approved',
  },
  reject: {
    button: 'Reject',
    title: 'Reject the run',
    description:
      'The run does not go ahead and the incident escalates to its builder. Say why: the message is recorded with your decision.',
    done: 'Run rejected',
    verb: 'reject',
    past: 'rejected',
  },
  cancel: {
    button: 'Cancel run',
    title: 'Cancel the run',
    description:
      'The run stops before its next step; what the steps already did is not undone. The message is recorded.',
    done: 'Run cancelled',
    verb: 'cancel',
    past: 'cancelled',
  },
};

/**
 * Approve and Reject for a run that awaits approval, for those allowed to
 * decide; Cancel for a run that has not finished, for those allowed to
 * cancel. `onChanged` runs after a decision, and after one that came too
 * late because the run had moved on.
 */
export const RunActions = (props: { run: Run; onChanged: () => void }) => {
  const { run, onChanged } = props;
  const opsApi = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const canApprove = usePermission({
    permission: opsRunApprovePermission,
  }).allowed;
  const canCancel = usePermission({
    permission: opsRunCancelPermission,
  }).allowed;
  // The chosen decision outlives the dialog's closing animation.
  const [decision, setDecision] = useState<Decision>('approve');
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');

  const [{ loading: submitting }, submit] = useAsyncFn(
    async (chosen: Decision) => {
      const options = { message: message.trim() || undefined };
      try {
        if (chosen === 'approve') {
          await opsApi.approveRun(run.id, options);
        } else if (chosen === 'reject') {
          await opsApi.rejectRun(run.id, options);
        } else {
          await opsApi.cancelRun(run.id, options);
        }
      } catch (error) {
        assertError(error);
        const conflict =
          ResponseError.is(error) && error.statusCode === 409
            ? error
            : undefined;
        const texts = DECISION_TEXTS[chosen];
        alertApi.post({
          message: conflict
            ? `The run moved on before it could be ${texts.past}: ${conflict.cause.message}`
            : `Could not ${texts.verb} the run: ${error.message}`,
          severity: 'error',
        });
        if (conflict) {
          // What is on screen is out of date: show where the run is now.
          setOpen(false);
          onChanged();
        }
        return;
      }
      alertApi.post({
        message: DECISION_TEXTS[chosen].done,
        severity: 'success',
        display: 'transient',
      });
      setOpen(false);
      setMessage('');
      onChanged();
    },
    [opsApi, alertApi, run.id, message, onChanged],
  );

  const available: Decision[] = [];
  if (canApprove && run.status === 'awaiting-approval') {
    available.push('approve', 'reject');
  }
  if (canCancel && isRunUnfinished(run)) {
    available.push('cancel');
  }
  if (available.length === 0) {
    return null;
  }

  const texts = DECISION_TEXTS[decision];
  return (
    <>
      <Box display="flex" gridGap={8}>
        {available.map(each => (
          <Button
            key={each}
            variant={each === 'approve' ? 'contained' : 'outlined'}
            color={each === 'approve' ? 'primary' : 'default'}
            onClick={() => {
              setDecision(each);
              setOpen(true);
            }}
          >
            {DECISION_TEXTS[each].button}
          </Button>
        ))}
      </Box>
      <MessageDialog
        id="ops-run-action"
        open={open}
        title={texts.title}
        description={texts.description}
        confirm={texts.button}
        back="Back"
        message={message}
        onMessageChange={setMessage}
        submitting={submitting}
        onConfirm={() => submit(decision)}
        onClose={() => setOpen(false)}
      />
    </>
  );
};
