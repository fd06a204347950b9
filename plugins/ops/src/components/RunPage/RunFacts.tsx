import { ReactNode } from 'react';
import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Run } from '@operable/backstage-plugin-ops-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { incidentRouteRef } from '../../routes';
import {
  RelativeTime,
  RunStatusChip,
  formatDateTime,
  runDuration,
  useOptionalRouteRef,
} from '../common';

const Fact = (props: { label: string; children: ReactNode }) => (
  <TableRow aria-label={props.label}>
    <TableCell
      component="th"
      scope="row"
      style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}
    >
      <Typography variant="subtitle2">{props.label}</Typography>
    </TableCell>
    <TableCell style={{ overflowWrap: 'anywhere' }}>{props.children}</TableCell>
  </TableRow>
);

const Instant = (props: { value?: string; otherwise: string }) =>
  props.value ? (
    <>
      {formatDateTime(props.value)}{' '}
      <Typography variant="caption" color="textSecondary">
        (<RelativeTime value={props.value} />)
      </Typography>
    </>
  ) : (
    <Typography variant="body2" color="textSecondary">
      {props.otherwise}
    </Typography>
  );

/** What a run is, for what, by whom, and how far it got. */
export const RunFacts = (props: { run: Run }) => {
  const { run } = props;
  const incidentLink = useOptionalRouteRef(incidentRouteRef);
  const duration = runDuration(run);
  return (
    <Table size="small" aria-label="Run details">
      <TableBody>
        <Fact label="Status">
          <RunStatusChip status={run.status} />
        </Fact>
        <Fact label="Runbook">
          <code>{run.runbookId}</code> v{run.runbookVersion}
        </Fact>
        <Fact label="Incident">
          {incidentLink ? (
            <Link to={incidentLink({ id: run.incidentId })}>
              {run.incidentId}
            </Link>
          ) : (
            run.incidentId
          )}
        </Fact>
        <Fact label="Entity">
          <EntityRefLink entityRef={run.entityRef} />
        </Fact>
        <Fact label="Ops agent">
          {run.agentRef ? (
            <EntityRefLink entityRef={run.agentRef} defaultKind="component" />
          ) : (
            <Typography variant="body2" color="textSecondary">
              the entity names no ops agent
            </Typography>
          )}
        </Fact>
        <Fact label="Mode">
          {run.dryRun
            ? 'Dry run: the steps were recorded, nothing was changed'
            : 'Real run: remediation acts on the target'}
        </Fact>
        {run.reason && (
          <Fact label="Reason">
            <Typography variant="body2" style={{ whiteSpace: 'pre-wrap' }}>
              {run.reason}
            </Typography>
          </Fact>
        )}
        <Fact label="Requested by">
          {run.requestedBy ? (
            <EntityRefLink entityRef={run.requestedBy} defaultKind="user" />
          ) : (
            'the ops agent, for the routine incident'
          )}
        </Fact>
        {(run.decidedBy || run.status === 'awaiting-approval') && (
          <Fact label="Decided by">
            {run.decidedBy ? (
              <EntityRefLink entityRef={run.decidedBy} defaultKind="user" />
            ) : (
              <Typography variant="body2" color="textSecondary">
                nobody yet: the run awaits approval
              </Typography>
            )}
          </Fact>
        )}
        <Fact label="Created">
          <Instant value={run.createdAt} otherwise="–" />
        </Fact>
        <Fact label="Started">
          <Instant value={run.startedAt} otherwise="not yet" />
        </Fact>
        <Fact label="Finished">
          <Instant value={run.finishedAt} otherwise="not yet" />
        </Fact>
        {duration && (
          <Fact label="Duration">
            {run.finishedAt ? duration : `${duration} so far`}
          </Fact>
        )}
      </TableBody>
    </Table>
  );
};
