import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_OPS_AGENT,
  EntityOwnership,
} from '@operable/backstage-plugin-ops-common';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { BuilderSection } from './BuilderSection';
import { EscalationPath } from './EscalationPath';
import { OpsAgentSection } from './OpsAgentSection';
import { OwnershipHints } from './OwnershipHints';

const TITLE = 'Ownership';
const SUBHEADER = 'Who builds it, who runs the routine, who gets paged';

/** Shown when the entity has neither an owner nor an ops agent. */
const NotOperableYet = (props: { ownership: EntityOwnership }) => {
  const { hints } = props.ownership;
  return (
    <EmptyState
      missing="field"
      title="Nobody runs this entity yet"
      description={
        hints.length > 0
          ? 'Add the following to the entity, then refresh it in the catalog.'
          : `Set spec.owner to the owning group and add the annotation ${ANNOTATION_OPS_AGENT} with the reference of its ops agent.`
      }
      action={hints.length > 0 ? <OwnershipHints hints={hints} /> : undefined}
    />
  );
};

const OwnershipDetails = (props: { ownership: EntityOwnership }) => {
  const { builder, opsAgent, escalation } = props.ownership;
  // The builder and agent sections already warn about their own entity.
  const hints = props.ownership.hints.filter(
    hint =>
      !(hint.key === 'spec.owner' && builder) &&
      !(hint.key === ANNOTATION_OPS_AGENT && opsAgent),
  );
  return (
    <>
      <BuilderSection builder={builder} />
      <OpsAgentSection opsAgent={opsAgent} />
      <EscalationPath steps={escalation} />
      {hints.length > 0 && (
        <Alert severity="info">
          <Typography variant="body2">To complete the Ops tab:</Typography>
          <OwnershipHints hints={hints} />
        </Alert>
      )}
    </>
  );
};

/**
 * The builder of the current entity, its ops agent and its escalation path.
 *
 * @public
 */
export const OwnershipCard = () => {
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => opsApi.getOwnership(entityRef),
    [opsApi, entityRef],
  );

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value) {
    content = null;
  } else if (!value.builder && !value.opsAgent) {
    content = <NotOperableYet ownership={value} />;
  } else {
    content = <OwnershipDetails ownership={value} />;
  }

  return (
    <InfoCard title={TITLE} subheader={SUBHEADER}>
      {content}
    </InfoCard>
  );
};
