import { ReactNode } from 'react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  AgentOverview,
  OPS_AGENT_COMPONENT_TYPE,
} from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { runRouteRef } from '../../routes';
import {
  formatDuration,
  formatRelative,
  isSameEntity,
  statusOf,
  useOpsPush,
  useOptionalRouteRef,
} from '../common';
import { HealthStateChip } from '../HealthCard/HealthStateChip';
import { LifecycleChip } from '../RunbooksCard/LifecycleChip';
import { RunbookProblems } from '../RunbooksCard/RunbookProblems';
import { StaleFlag } from '../RunbooksCard/StoredRunbook';
import { WeekBars, WeeklyBars } from '../charts';

/** Whether the entity is an ops agent: a Component of `spec.type: ops-agent`. */
export function isOpsAgent(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    entity.spec?.type === OPS_AGENT_COMPONENT_TYPE
  );
}

const Fact = (props: { label: string; children: ReactNode }) => (
  <Box>
    <Typography variant="caption" color="textSecondary" component="div">
      {props.label}
    </Typography>
    <Typography variant="body1" component="div">
      {props.children}
    </Typography>
  </Box>
);

const Section = (props: { title: string; children: ReactNode }) => (
  <Box component="section" aria-label={props.title} marginTop={3}>
    <Typography variant="subtitle1" component="h3" gutterBottom>
      {props.title}
    </Typography>
    {props.children}
  </Box>
);

function useRunWeeks(overview: AgentOverview): WeekBars[] {
  const { palette } = useTheme();
  return overview.weeks.map(week => {
    // Dry runs and runs still going count as runs, neither won nor lost.
    const other = Math.max(0, week.runs - week.succeeded - week.failed);
    return {
      weekStart: week.weekStart,
      bars: [
        {
          label: 'runs',
          parts: [
            {
              label: 'succeeded',
              value: week.succeeded,
              color: palette.success.main,
            },
            { label: 'failed', value: week.failed, color: palette.error.main },
            {
              label: 'other',
              value: other,
              color: palette.grey[400],
            },
          ],
        },
      ],
    };
  });
}

const RecentFailures = (props: { overview: AgentOverview }) => {
  const runLink = useOptionalRouteRef(runRouteRef);
  const failures = props.overview.recentFailures;
  if (failures.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No run failed lately.
      </Typography>
    );
  }
  return (
    <Box
      component="ul"
      margin={0}
      paddingLeft={2.5}
      aria-label="Recent failures"
    >
      {failures.map(run => {
        const name = `${run.runbookTitle ?? run.runbookId} on ${
          run.entityRef
        }, ${formatRelative(run.createdAt)}`;
        return (
          <li key={run.id}>
            <Typography variant="body2" component="span">
              {runLink ? (
                <Link to={runLink({ id: run.id })}>{name}</Link>
              ) : (
                name
              )}
              {run.reason && <>: {run.reason}</>}
            </Typography>
          </li>
        );
      })}
    </Box>
  );
};

const AgentRunbooks = (props: { overview: AgentOverview }) => {
  const { runbooks } = props.overview;
  if (runbooks.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No runbook applies to the entities this agent serves.
      </Typography>
    );
  }
  return (
    <Box overflow="auto">
      <Table size="small" aria-label="Runbooks it runs">
        <TableHead>
          <TableRow>
            <TableCell>Runbook</TableCell>
            <TableCell>Lifecycle</TableCell>
            <TableCell>Matched</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {runbooks.map(runbook => (
            <TableRow key={runbook.id} aria-label={runbook.title}>
              <TableCell component="th" scope="row">
                <Typography variant="body2">{runbook.title}</Typography>
                <Typography variant="caption" color="textSecondary">
                  <code>{runbook.id}</code> ·{' '}
                  {runbook.source === 'database' ? 'learned' : runbook.source}
                </Typography>
              </TableCell>
              <TableCell>
                <LifecycleChip lifecycle={runbook.lifecycle} />
              </TableCell>
              <TableCell>
                <StaleFlag summary={runbook} />
                {!runbook.stale && !runbook.lastMatchedAt && (
                  <Typography variant="caption" color="textSecondary">
                    never matched
                  </Typography>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
};

const Overview = (props: { overview: AgentOverview }) => {
  const { overview } = props;
  const weeks = useRunWeeks(overview);
  const weeksCount = overview.weeks.length;
  return (
    <>
      <Grid container spacing={3}>
        <Grid item xs={6} md={2}>
          <Fact label="Owner">
            {overview.owner ? (
              <EntityRefLink entityRef={overview.owner} defaultKind="group" />
            ) : (
              'nobody'
            )}
          </Fact>
        </Grid>
        <Grid item xs={6} md={2}>
          <Fact label="Lifecycle">{overview.lifecycle ?? 'unknown'}</Fact>
        </Grid>
        <Grid item xs={6} md={2}>
          <Fact label="Success, 30 days">
            {overview.successRate === undefined
              ? '–'
              : `${Math.round(overview.successRate * 100)}%`}
          </Fact>
        </Grid>
        <Grid item xs={6} md={2}>
          <Fact label="Human time saved">
            <span
              title={`${overview.humanMinutesSaved} minutes, estimated from how long people took to resolve the same signatures`}
            >
              {formatDuration(overview.humanMinutesSaved * 60_000)}
            </span>
          </Fact>
        </Grid>
        <Grid item xs={12} md={4}>
          <Fact label="Drift">
            <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
              <HealthStateChip state={overview.drift.state} />
              <Typography variant="body2" component="span">
                {overview.drift.reason}
              </Typography>
            </Box>
          </Fact>
        </Grid>
      </Grid>

      <Section
        title={`Runs per week${weeksCount > 0 ? `, last ${weeksCount}` : ''}`}
      >
        <WeeklyBars weeks={weeks} label="Runs per week" />
      </Section>

      <Section title="Serves">
        {overview.serves.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No entity names this agent in its{' '}
            <code>operable.dev/ops-agent</code> annotation yet.
          </Typography>
        ) : (
          <Box
            component="ul"
            aria-label="Entities served"
            display="flex"
            flexWrap="wrap"
            gridGap={12}
            margin={0}
            padding={0}
            style={{ listStyle: 'none' }}
          >
            {overview.serves.map(ref => (
              <li key={ref}>
                <EntityRefLink entityRef={ref} />
              </li>
            ))}
          </Box>
        )}
      </Section>

      <Section title="Runbooks it runs">
        <RunbookProblems problems={overview.problems} />
        <AgentRunbooks overview={overview} />
      </Section>

      <Section title="Recent failures">
        <RecentFailures overview={overview} />
      </Section>
    </>
  );
};

/**
 * The ops agent as an owned, monitored proxy: who owns it, what it serves
 * and runs, how its runs went week by week, the human time it saved, its
 * failures and whether it drifts from its own baseline.
 *
 * @public
 */
export const OpsAgentCard = () => {
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const agentRef = stringifyEntityRef(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    () => opsApi.getAgentOverview(agentRef),
    [opsApi, agentRef],
  );
  useOpsPush(
    message =>
      message.type === 'runbooks' ||
      (message.type === 'run' &&
        (message.entityRef === agentRef ||
          (value?.serves ?? []).some(ref =>
            isSameEntity(ref, message.entityRef),
          ))),
    retry,
  );

  let content;
  if (value) {
    content = <Overview overview={value} />;
  } else if (loading) {
    content = <Progress />;
  } else if (statusOf(error) === 404) {
    content = (
      <Typography variant="body2" color="textSecondary">
        The ops backend does not know {agentRef} as an ops agent. An ops agent
        is a Component of <code>spec.type: {OPS_AGENT_COMPONENT_TYPE}</code>{' '}
        that entities name in their <code>operable.dev/ops-agent</code>{' '}
        annotation.
      </Typography>
    );
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  }

  return (
    <InfoCard
      title="Ops agent"
      subheader="What this agent serves and runs, and how its runs go against its own baseline"
    >
      {content}
    </InfoCard>
  );
};
