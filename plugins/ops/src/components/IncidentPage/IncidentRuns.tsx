import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Incident, Run } from '@operable/backstage-plugin-ops-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { runRouteRef } from '../../routes';
import {
  RelativeTime,
  RunStatusChip,
  runDuration,
  useOpsPush,
  useOptionalRouteRef,
} from '../common';
import { DryRunButtons } from './DryRunButtons';

/** Enough for any incident; a longer history belongs to the runbook. */
const RUN_LIMIT = 50;

const RunRow = (props: { run: Run }) => {
  const { run } = props;
  const runLink = useOptionalRouteRef(runRouteRef);
  const duration = runDuration(run);
  let elapsed = '–';
  if (duration) {
    elapsed = run.finishedAt ? duration : `${duration} so far`;
  }
  return (
    <TableRow>
      <TableCell>
        <RunStatusChip status={run.status} dryRun={run.dryRun} />
      </TableCell>
      <TableCell>
        {runLink ? (
          <Link to={runLink({ id: run.id })}>{run.runbookId}</Link>
        ) : (
          run.runbookId
        )}
        <Typography variant="caption" color="textSecondary" display="block">
          v{run.runbookVersion}
        </Typography>
      </TableCell>
      <TableCell style={{ whiteSpace: 'nowrap' }}>
        {run.startedAt ? <RelativeTime value={run.startedAt} /> : 'not yet'}
      </TableCell>
      <TableCell style={{ whiteSpace: 'nowrap' }}>{elapsed}</TableCell>
    </TableRow>
  );
};

/**
 * The runs of the runbooks for an incident, newest first, and the Dry run
 * buttons. Refreshed when the backend pushes a change to one of its runs.
 */
export const IncidentRuns = (props: { incident: Incident }) => {
  const { incident } = props;
  const opsApi = useApi(opsApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => opsApi.listRuns({ incidentId: incident.id, limit: RUN_LIMIT }),
    [opsApi, incident.id],
  );
  useOpsPush(
    message => message.type === 'run' && message.incidentId === incident.id,
    retry,
  );

  let list;
  if (value && value.items.length > 0) {
    list = (
      <>
        <Table size="small" aria-label="Runs">
          <TableHead>
            <TableRow>
              <TableCell>Status</TableCell>
              <TableCell>Runbook</TableCell>
              <TableCell>Started</TableCell>
              <TableCell>Duration</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(run => (
              <RunRow key={run.id} run={run} />
            ))}
          </TableBody>
        </Table>
        {value.totalCount > value.items.length && (
          <Typography variant="caption" color="textSecondary">
            The latest {value.items.length} of {value.totalCount} runs.
          </Typography>
        )}
      </>
    );
  } else if (value) {
    list = (
      <Typography variant="body2" color="textSecondary">
        No runbook has run for this incident.
      </Typography>
    );
  } else if (loading) {
    list = <Progress />;
  } else if (error) {
    list = <ResponseErrorPanel error={error} />;
  }

  return (
    <>
      {list}
      <DryRunButtons incident={incident} onStarted={retry} />
    </>
  );
};
