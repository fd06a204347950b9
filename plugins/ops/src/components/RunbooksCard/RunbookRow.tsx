import { useState } from 'react';
import { parseEntityRef } from '@backstage/catalog-model';
import { Link, MarkdownContent } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Run, RunbookSummary } from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { runRouteRef } from '../../routes';
import {
  RunStatusChip,
  formatDateTime,
  formatRelative,
  useOptionalRouteRef,
} from '../common';
import { CircuitBreaker } from './CircuitBreaker';
import { LifecycleChip } from './LifecycleChip';
import {
  LearnedChip,
  StaleFlag,
  StoredRunbookActions,
  isStored,
} from './StoredRunbook';

export const RUNBOOK_COLUMNS = 6;

/** Where the runbook was read from: a path, or a URL to open. */
const Source = (props: { source: string }) =>
  /^https?:\/\//i.test(props.source) ? (
    <Link to={props.source}>{props.source}</Link>
  ) : (
    <code>{props.source}</code>
  );

/** `config` is the app's runbooks folder; anything else names an entity. */
const Origin = (props: { origin: string }) => {
  if (props.origin === 'config') {
    return <>the app's runbooks folder</>;
  }
  try {
    parseEntityRef(props.origin);
  } catch {
    return <>{props.origin}</>;
  }
  return (
    <>
      the runbooks annotation of <EntityRefLink entityRef={props.origin} />
    </>
  );
};

/** The latest runs, newest first, each a chip that opens the run. */
const LastRuns = (props: { runs: Run[] }) => {
  const runLink = useOptionalRouteRef(runRouteRef);
  if (props.runs.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        never run
      </Typography>
    );
  }
  return (
    <Box display="flex" flexWrap="wrap" gridGap={4}>
      {props.runs.map(run => {
        const label = `${run.status}${
          run.dryRun ? ' dry' : ''
        } run ${formatRelative(run.createdAt)}`;
        const chip = (
          <RunStatusChip status={run.status} dryRun={run.dryRun} plain />
        );
        return runLink ? (
          <Link
            key={run.id}
            to={runLink({ id: run.id })}
            aria-label={label}
            title={`${label} (${formatDateTime(run.createdAt)})`}
          >
            {chip}
          </Link>
        ) : (
          <span key={run.id} title={label}>
            {chip}
          </span>
        );
      })}
    </Box>
  );
};

function percent(rate: number | undefined): string {
  return rate === undefined ? '–' : `${Math.round(rate * 100)}%`;
}

/**
 * One runbook that applies to the entity: what it is, where it comes from,
 * how its runs went and whether its circuit breaker is open; its text for
 * humans opens below it.
 */
export const RunbookRow = (props: {
  summary: RunbookSummary;
  /** After a change to a stored runbook, e.g. its lifecycle. */
  onChanged: () => void;
}) => {
  const { summary } = props;
  const stored = isStored(summary);
  const { runbook } = summary;
  const [open, setOpen] = useState(false);
  const readable = Boolean(runbook.body || runbook.description);
  const textId = `ops-runbook-text-${runbook.id}`;

  return (
    <>
      <TableRow aria-label={runbook.title}>
        <TableCell component="th" scope="row" style={{ minWidth: 240 }}>
          <Typography variant="subtitle2">{runbook.title}</Typography>
          <Box
            display="flex"
            alignItems="center"
            flexWrap="wrap"
            gridGap={8}
            marginY={0.5}
          >
            <Typography variant="body2" component="code">
              {runbook.id}
            </Typography>
            <Typography variant="body2" color="textSecondary">
              v{runbook.version}
            </Typography>
            <LifecycleChip lifecycle={runbook.lifecycle} />
            {runbook.approval === 'required' && (
              <Chip size="small" variant="outlined" label="approval required" />
            )}
            {stored && <LearnedChip />}
          </Box>
          <Typography
            variant="caption"
            color="textSecondary"
            component="p"
            style={{ overflowWrap: 'anywhere' }}
          >
            {stored ? (
              <>learned from resolutions, stored in the database</>
            ) : (
              <>
                <Source source={summary.source} /> from{' '}
                <Origin origin={summary.origin} />
              </>
            )}
          </Typography>
          <StaleFlag summary={summary} />
        </TableCell>
        <TableCell>
          <CircuitBreaker breaker={summary.circuitBreaker} />
        </TableCell>
        <TableCell
          title={
            summary.successRate === undefined
              ? 'No finished run in the last 30 days'
              : 'Finished runs of the last 30 days that succeeded, dry runs left out'
          }
        >
          {percent(summary.successRate)}
        </TableCell>
        <TableCell>{summary.runsLast30Days}</TableCell>
        <TableCell>
          <LastRuns runs={summary.lastRuns} />
        </TableCell>
        <TableCell align="right">
          {stored && (
            <StoredRunbookActions
              summary={summary}
              onChanged={props.onChanged}
            />
          )}
          {readable && (
            <Button
              size="small"
              aria-expanded={open}
              aria-controls={textId}
              onClick={() => setOpen(!open)}
            >
              {open ? 'Hide runbook' : 'Read runbook'}
            </Button>
          )}
        </TableCell>
      </TableRow>
      {open && (
        <TableRow id={textId} aria-label={`${runbook.title}: runbook text`}>
          <TableCell colSpan={RUNBOOK_COLUMNS}>
            {runbook.description && (
              <Typography variant="body2" paragraph>
                {runbook.description}
              </Typography>
            )}
            {runbook.body && <MarkdownContent content={runbook.body} />}
          </TableCell>
        </TableRow>
      )}
    </>
  );
};
