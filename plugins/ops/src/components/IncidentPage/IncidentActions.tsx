import { useState } from 'react';
import { assertError } from '@backstage/errors';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Incident,
  opsIncidentUpdatePermission,
} from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { opsApiRef } from '../../api';
import { MessageDialog } from '../common';
import { ResolutionDialog, needsResolution } from '../Resolution';

type Action = 'acknowledge' | 'resolve';

const ACTION_TEXTS: Record<
  Action,
  { button: string; title: string; description: string; done: string }
> = {
  acknowledge: {
    button: 'Acknowledge',
    title: 'Acknowledge the incident',
    description:
      'Says that you are on it: the escalation stops. The message goes to the timeline.',
    done: 'Incident acknowledged',
  },
  resolve: {
    button: 'Resolve',
    title: 'Resolve the incident',
    description:
      'Closes the incident. Say what fixed it: resolutions teach the learning loop.',
    done: 'Incident resolved',
  },
};

/** Whether the current user may acknowledge, resolve and annotate incidents. */
export function useCanUpdateIncidents(): boolean {
  return usePermission({ permission: opsIncidentUpdatePermission }).allowed;
}

/**
 * Acknowledge and Resolve, each with an optional message, for those allowed
 * to update incidents. `onChanged` runs after a successful action.
 */
export const IncidentActions = (props: {
  incident: Incident;
  onChanged: () => void;
}) => {
  const { incident, onChanged } = props;
  const opsApi = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const canUpdate = useCanUpdateIncidents();
  // The chosen action outlives the dialog's closing animation.
  const [action, setAction] = useState<Action>('acknowledge');
  const [open, setOpen] = useState(false);
  const [resolutionOpen, setResolutionOpen] = useState(false);
  const structured = needsResolution(incident);
  const [message, setMessage] = useState('');

  const [{ loading: submitting }, submit] = useAsyncFn(
    async (chosen: Action) => {
      const options = { message: message.trim() || undefined };
      try {
        if (chosen === 'acknowledge') {
          await opsApi.acknowledgeIncident(incident.id, options);
        } else {
          await opsApi.resolveIncident(incident.id, options);
        }
      } catch (error) {
        assertError(error);
        alertApi.post({
          message: `Could not ${chosen} the incident: ${error.message}`,
          severity: 'error',
        });
        return;
      }
      alertApi.post({
        message: ACTION_TEXTS[chosen].done,
        severity: 'success',
        display: 'transient',
      });
      setOpen(false);
      setMessage('');
      onChanged();
    },
    [opsApi, alertApi, incident.id, message, onChanged],
  );

  if (!canUpdate) {
    return null;
  }
  const available: Action[] = [];
  if (incident.status === 'open') {
    available.push('acknowledge');
  }
  if (incident.status !== 'resolved') {
    available.push('resolve');
  }
  if (available.length === 0) {
    return null;
  }

  const texts = ACTION_TEXTS[action];
  return (
    <>
      <Box display="flex" gridGap={8}>
        {available.map(each => (
          <Button
            key={each}
            variant={each === 'resolve' ? 'contained' : 'outlined'}
            color="primary"
            onClick={() => {
              if (each === 'resolve' && structured) {
                setResolutionOpen(true);
                return;
              }
              setAction(each);
              setOpen(true);
            }}
          >
            {ACTION_TEXTS[each].button}
          </Button>
        ))}
      </Box>
      <MessageDialog
        id="ops-incident-action"
        open={open}
        title={texts.title}
        description={texts.description}
        confirm={texts.button}
        back="Cancel"
        message={message}
        onMessageChange={setMessage}
        submitting={submitting}
        onConfirm={() => submit(action)}
        onClose={() => setOpen(false)}
      />
      {structured && (
        <ResolutionDialog
          open={resolutionOpen}
          title="Resolve the incident"
          description={`A ${incident.tier} incident closes with how it was resolved: resolutions teach the learning loop, and the third alike becomes a runbook draft.`}
          submitLabel="Resolve"
          withMessage
          onClose={() => setResolutionOpen(false)}
          onSubmit={async (resolution, resolveMessage) => {
            await opsApi.resolveIncident(incident.id, {
              message: resolveMessage,
              resolution,
            });
            alertApi.post({
              message: ACTION_TEXTS.resolve.done,
              severity: 'success',
              display: 'transient',
            });
            setResolutionOpen(false);
            onChanged();
          }}
        />
      )}
    </>
  );
};
