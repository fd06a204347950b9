import { assertError } from '@backstage/errors';
import {
  alertApiRef,
  useApi,
  useAppNavigate,
} from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Incident,
  RunbookSummary,
  opsRunExecutePermission,
} from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { runRouteRef } from '../../routes';
import { useOpsPush, useOptionalRouteRef } from '../common';

/**
 * A Dry run button per runbook that applies to the incident's entity, for
 * those allowed to start runs. A dry run records what each step would do and
 * changes nothing; once it is started the run's page opens, or, without that
 * page, `onStarted` runs.
 */
export const DryRunButtons = (props: {
  incident: Incident;
  onStarted: () => void;
}) => {
  const { incident, onStarted } = props;
  const opsApi = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const navigate = useAppNavigate();
  const runLink = useOptionalRouteRef(runRouteRef);
  const { allowed } = usePermission({ permission: opsRunExecutePermission });
  const runbooks = useAsyncRetry(
    async () =>
      allowed ? (await opsApi.getRunbooks(incident.entityRef)).runbooks : [],
    [opsApi, incident.entityRef, allowed],
  );
  useOpsPush(message => message.type === 'runbooks', runbooks.retry);

  const [{ loading: starting }, start] = useAsyncFn(
    async (summary: RunbookSummary) => {
      let runId: string;
      try {
        const run = await opsApi.startRun({
          incidentId: incident.id,
          runbookId: summary.runbook.id,
          dryRun: true,
        });
        runId = run.id;
      } catch (error) {
        assertError(error);
        alertApi.post({
          message: `Could not start a dry run of ${summary.runbook.title}: ${error.message}`,
          severity: 'error',
        });
        return;
      }
      if (runLink) {
        navigate(runLink({ id: runId }));
      } else {
        alertApi.post({
          message: `Dry run of ${summary.runbook.title} started`,
          severity: 'success',
          display: 'transient',
        });
        onStarted();
      }
    },
    [opsApi, alertApi, navigate, runLink, incident.id, onStarted],
  );

  // Retired runbooks never run again, not even dry.
  const runnable = (runbooks.value ?? []).filter(
    summary => summary.runbook.lifecycle !== 'retired',
  );
  if (!allowed || runnable.length === 0) {
    return null;
  }
  return (
    <Box marginTop={2} role="group" aria-label="Dry runs">
      <Typography variant="body2" color="textSecondary" gutterBottom>
        Try a runbook on this incident without changing anything:
      </Typography>
      <Box display="flex" flexWrap="wrap" gridGap={8}>
        {runnable.map(summary => (
          <Button
            key={summary.runbook.id}
            variant="outlined"
            color="primary"
            size="small"
            startIcon={<PlayArrowIcon />}
            disabled={starting}
            onClick={() => start(summary)}
            aria-label={`Dry run ${summary.runbook.title}`}
          >
            Dry run: {summary.runbook.title}
          </Button>
        ))}
      </Box>
    </Box>
  );
};
