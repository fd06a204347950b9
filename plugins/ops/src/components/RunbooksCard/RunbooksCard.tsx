import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_RUNBOOKS,
  EntityRunbooks,
} from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { isSameEntity, useOpsPush } from '../common';
import { RefreshRunbooksButton } from './RefreshRunbooksButton';
import { RunbookProblems } from './RunbookProblems';
import { RunbookRow } from './RunbookRow';

const NoRunbooks = () => (
  <Typography variant="body2" color="textSecondary">
    No runbook applies to this entity, so every incident of it pages its
    builder. Give it runbooks with the annotation{' '}
    <code>{ANNOTATION_RUNBOOKS}</code> (a location such as{' '}
    <code>dir:./runbooks</code>), or match it from a runbook in the app's
    runbooks folder.
  </Typography>
);

const RunbooksTable = (props: {
  value: EntityRunbooks;
  onChanged: () => void;
}) => (
  // Six columns do not fit a phone: the table scrolls instead of the page.
  <Box overflow="auto">
    <Table size="small" aria-label="Runbooks">
      <TableHead>
        <TableRow>
          <TableCell>Runbook</TableCell>
          <TableCell>Circuit breaker</TableCell>
          <TableCell>Success, 30 days</TableCell>
          <TableCell>Runs, 30 days</TableCell>
          <TableCell>Last runs</TableCell>
          <TableCell aria-label="Runbook actions" />
        </TableRow>
      </TableHead>
      <TableBody>
        {props.value.runbooks.map(summary => (
          <RunbookRow
            key={summary.runbook.id}
            summary={summary}
            onChanged={props.onChanged}
          />
        ))}
      </TableBody>
    </Table>
  </Box>
);

/**
 * The runbooks the ops agent runs for the current entity, how their runs
 * went, their circuit breakers, and the problems of their files. Refreshed
 * when runbooks are reloaded and when a run of the entity changes.
 *
 * @public
 */
export const RunbooksCard = () => {
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    () => opsApi.getRunbooks(entityRef),
    [opsApi, entityRef],
  );
  useOpsPush(
    message =>
      message.type === 'runbooks' ||
      // An accepted draft is a new stored runbook of the entity.
      ((message.type === 'run' || message.type === 'learning') &&
        isSameEntity(message.entityRef, entityRef)),
    retry,
  );

  let content;
  // A refetch keeps the last value on screen instead of flashing a spinner.
  if (value) {
    content = (
      <>
        <RunbookProblems problems={value.problems} />
        {value.runbooks.length > 0 ? (
          <RunbooksTable value={value} onChanged={retry} />
        ) : (
          <NoRunbooks />
        )}
      </>
    );
  } else if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  }

  return (
    <InfoCard
      title="Runbooks"
      subheader="What the ops agent runs for this entity, and how it went"
      action={<RefreshRunbooksButton onRefreshed={retry} />}
    >
      {content}
    </InfoCard>
  );
};
