import { Fragment } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Divider from '@material-ui/core/Divider';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { DraftQuery, opsApiRef } from '../../api';
import { learningRouteRef } from '../../routes';
import { isSameEntity, useOpsPush, useOptionalRouteRef } from '../common';
import { DraftReview } from './DraftReview';

/**
 * The runbook drafts waiting for review: those of the current entity, or on
 * a Group those it reviews as their owner. Refreshed when the backend
 * pushes a change to drafts.
 *
 * @public
 */
export const RunbookDraftsCard = () => {
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const learningLink = useOptionalRouteRef(learningRouteRef);
  const entityRef = stringifyEntityRef(entity);
  const isGroup = entity.kind.toLocaleLowerCase('en-US') === 'group';
  const query: DraftQuery = isGroup
    ? { owner: entityRef, status: 'pending' }
    : { entityRef, status: 'pending' };
  const { value, loading, error, retry } = useAsyncRetry(
    () => opsApi.listDrafts(query),
    // The query follows from these two.
    [opsApi, entityRef, isGroup],
  );
  useOpsPush(
    message =>
      message.type === 'learning' &&
      // A group reviews the drafts of every entity it owns.
      (isGroup || isSameEntity(message.entityRef, entityRef)),
    retry,
  );

  let content;
  if (value) {
    content =
      value.items.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No runbook draft waits for review. When the same resolution of the
          same failure comes back three times, the learning loop drafts a
          runbook from it and it shows here.
        </Typography>
      ) : (
        value.items.map((draft, index) => (
          <Fragment key={draft.id}>
            {index > 0 && <Divider style={{ margin: '24px 0' }} />}
            <DraftReview draft={draft} onChanged={retry} showEntity={isGroup} />
          </Fragment>
        ))
      );
  } else if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  }

  return (
    <InfoCard
      title="Runbook drafts"
      subheader={
        isGroup
          ? 'Runbooks the learning loop drafted for the entities this team owns'
          : 'Runbooks the learning loop drafted from resolutions that repeat'
      }
      action={
        learningLink && (
          <Link to={learningLink()} style={{ whiteSpace: 'nowrap' }}>
            All drafts
          </Link>
        )
      }
    >
      {content}
    </InfoCard>
  );
};
