import { useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Incident } from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { statusOf } from '../common';
import { ResolutionDialog } from './ResolutionDialog';
import { ResolutionView } from './ResolutionView';

/** Whether the tier of an incident asks for a structured resolution. */
export function needsResolution(incident: Incident): boolean {
  return incident.tier === 'novel' || incident.tier === 'systemic';
}

/**
 * How a resolved incident was resolved. A novel or systemic incident
 * resolved without one (e.g. by its alert) offers "Add the resolution" to
 * those allowed to update incidents.
 */
export const ResolutionCard = (props: {
  incident: Incident;
  canUpdate: boolean;
  onChanged: () => void;
}) => {
  const { incident, canUpdate, onChanged } = props;
  const opsApi = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const [open, setOpen] = useState(false);
  const resolved = incident.status === 'resolved';
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    if (!resolved) {
      return undefined;
    }
    try {
      return await opsApi.getResolution(incident.id);
    } catch (e) {
      // No resolution is an answer, not an error.
      if (statusOf(e) === 404) {
        return null;
      }
      throw e;
    }
    // The incident changes when it is resolved, reopened or resolved again.
  }, [opsApi, incident.id, resolved, incident.updatedAt]);

  if (!resolved || (value === null && !needsResolution(incident))) {
    return null;
  }

  let content;
  if (value) {
    content = <ResolutionView resolution={value} />;
  } else if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else {
    content = (
      <Box display="flex" flexDirection="column" gridGap={12}>
        <Typography variant="body2">
          Nobody said yet how this incident was resolved. Resolutions teach the
          learning loop: the same resolution three times becomes a runbook
          draft.
        </Typography>
        {canUpdate && (
          <Box>
            <Button
              variant="contained"
              color="primary"
              onClick={() => setOpen(true)}
            >
              Add the resolution
            </Button>
          </Box>
        )}
      </Box>
    );
  }

  return (
    <InfoCard title="Resolution">
      {content}
      <ResolutionDialog
        open={open}
        title="Add the resolution"
        description="How was the incident resolved? The incident stays resolved; this records how."
        submitLabel="Save resolution"
        onClose={() => setOpen(false)}
        onSubmit={async resolution => {
          await opsApi.addResolution(incident.id, resolution);
          alertApi.post({
            message: 'Resolution saved',
            severity: 'success',
            display: 'transient',
          });
          setOpen(false);
          retry();
          onChanged();
        }}
      />
    </InfoCard>
  );
};
