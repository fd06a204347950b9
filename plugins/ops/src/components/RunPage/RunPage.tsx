import { useParams } from 'react-router-dom';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Run } from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { incidentRouteRef } from '../../routes';
import {
  RelativeTime,
  RunStatusChip,
  useOpsPush,
  useOptionalRouteRef,
} from '../common';
import { RunActions } from './RunActions';
import { RunFacts } from './RunFacts';
import { RunSteps } from './RunSteps';

const REASON_SEVERITY: Partial<Record<Run['status'], 'error' | 'warning'>> = {
  failed: 'error',
  rejected: 'error',
  'awaiting-approval': 'warning',
};

const RunHeader = (props: { run: Run; onChanged: () => void }) => {
  const { run } = props;
  const incidentLink = useOptionalRouteRef(incidentRouteRef);
  return (
    <Box marginBottom={3}>
      {incidentLink && (
        <Link to={incidentLink({ id: run.incidentId })}>← The incident</Link>
      )}
      <Box
        display="flex"
        justifyContent="space-between"
        alignItems="flex-start"
        flexWrap="wrap"
        gridGap={16}
        marginTop={1}
      >
        <Box>
          <Typography variant="h4" component="h1">
            Run of {run.runbookId}
          </Typography>
          <Box
            display="flex"
            alignItems="center"
            flexWrap="wrap"
            gridGap={12}
            marginY={1}
          >
            <RunStatusChip status={run.status} />
            {run.dryRun && (
              <Chip size="small" variant="outlined" label="dry run" />
            )}
            <Typography variant="body2" color="textSecondary">
              runbook version {run.runbookVersion}
            </Typography>
          </Box>
          <Typography variant="body2">
            On <EntityRefLink entityRef={run.entityRef} />
            {run.agentRef && (
              <>
                {' '}
                · by{' '}
                <EntityRefLink
                  entityRef={run.agentRef}
                  defaultKind="component"
                />
              </>
            )}{' '}
            · created <RelativeTime value={run.createdAt} />
          </Typography>
        </Box>
        <RunActions run={run} onChanged={props.onChanged} />
      </Box>
      {run.reason && (
        <Alert
          severity={REASON_SEVERITY[run.status] ?? 'info'}
          style={{ marginTop: 16 }}
        >
          {run.reason}
        </Alert>
      )}
    </Box>
  );
};

/**
 * One run of a runbook: what it is for, who asked and who decided, and
 * every step with its input and output. Refreshed when the backend pushes a
 * change to it.
 */
export const RunPage = () => {
  const { id = '' } = useParams();
  const opsApi = useApi(opsApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => opsApi.getRun(id),
    [opsApi, id],
  );
  useOpsPush(message => message.type === 'run' && message.runId === id, retry);

  if (!value) {
    if (loading) {
      return <Progress />;
    }
    return error ? <ResponseErrorPanel error={error} /> : null;
  }

  return (
    <>
      <RunHeader run={value.run} onChanged={retry} />
      <Grid container spacing={3}>
        <Grid item xs={12} lg={4}>
          <InfoCard title="About this run">
            <RunFacts run={value.run} />
          </InfoCard>
        </Grid>
        <Grid item xs={12} lg={8}>
          <InfoCard
            title="Steps"
            subheader="In the order they ran, inputs with secrets redacted"
          >
            <RunSteps steps={value.steps} />
          </InfoCard>
        </Grid>
      </Grid>
    </>
  );
};
