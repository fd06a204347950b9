import { Fragment, useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  DRAFT_STATUSES,
  DraftStatus,
} from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Divider from '@material-ui/core/Divider';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { opsApiRef } from '../../api';
import { useOpsPush } from '../common';
import { DraftReview } from './DraftReview';

/**
 * Every runbook draft of the learning loop, pending ones by default,
 * filtered by status and owner. Refreshed when any draft changes.
 */
export const LearningPage = () => {
  const opsApi = useApi(opsApiRef);
  const [statuses, setStatuses] = useState<DraftStatus[]>(['pending']);
  const [ownerText, setOwnerText] = useState('');
  const [owner, setOwner] = useState('');
  useDebounce(() => setOwner(ownerText.trim()), 300, [ownerText]);

  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      opsApi.listDrafts({
        owner: owner || undefined,
        status: statuses.length > 0 ? statuses : undefined,
      }),
    [opsApi, owner, statuses],
  );
  useOpsPush(message => message.type === 'learning', retry);

  let content;
  if (value) {
    content =
      value.items.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No draft matches these filters.
        </Typography>
      ) : (
        value.items.map((draft, index) => (
          <Fragment key={draft.id}>
            {index > 0 && <Divider style={{ margin: '24px 0' }} />}
            <DraftReview draft={draft} onChanged={retry} showEntity />
          </Fragment>
        ))
      );
  } else if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  }

  return (
    <>
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        gridGap={24}
        marginBottom={2}
        role="group"
        aria-label="Filters"
      >
        <Box display="flex" alignItems="center" gridGap={8}>
          <Typography variant="body2" color="textSecondary" component="span">
            Status
          </Typography>
          <ToggleButtonGroup
            size="small"
            value={statuses}
            onChange={(_event, chosen: DraftStatus[]) => setStatuses(chosen)}
            aria-label="Status"
          >
            {DRAFT_STATUSES.map(status => (
              <ToggleButton key={status} value={status}>
                {status}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
        </Box>
        <TextField
          id="ops-learning-owner"
          label="Owner"
          placeholder="group:default/payments"
          value={ownerText}
          onChange={event => setOwnerText(event.target.value)}
          size="small"
          variant="outlined"
        />
      </Box>
      <InfoCard
        title={
          value ? `Runbook drafts (${value.totalCount})` : 'Runbook drafts'
        }
        subheader="Runbooks the learning loop drafted from resolutions that repeat, for the owners of their entities to review"
      >
        {content}
      </InfoCard>
    </>
  );
};
