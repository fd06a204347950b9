import {
  ANNOTATION_OPS_AGENT,
  OPS_AGENT_COMPONENT_TYPE,
  OpsAgentSummary,
} from '@operable/backstage-plugin-ops-common';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { EntityLink } from './EntityLink';
import { Section } from './Section';

function agentWarning(agent: OpsAgentSummary): string | undefined {
  if (!agent.found) {
    return `${agent.ref} is not in the catalog. Register the ops agent, or fix the ${ANNOTATION_OPS_AGENT} annotation.`;
  }
  if (!agent.isOpsAgent) {
    return `${agent.ref} is not a Component of spec.type ${OPS_AGENT_COMPONENT_TYPE}, so it runs no runbooks. Point ${ANNOTATION_OPS_AGENT} at an ops agent.`;
  }
  return undefined;
}

/** The automation that absorbs the routine, with its own owner and lifecycle. */
export const OpsAgentSection = (props: { opsAgent?: OpsAgentSummary }) => {
  const { opsAgent } = props;
  if (!opsAgent) {
    return (
      <Section title="Ops agent">
        <Typography variant="body2" color="textSecondary">
          No ops agent runs the routine of this entity.
        </Typography>
      </Section>
    );
  }
  const warning = agentWarning(opsAgent);
  return (
    <Section title="Ops agent">
      <Typography variant="body1" component="div">
        <EntityLink entity={opsAgent} defaultKind="component" />{' '}
        {opsAgent.lifecycle && (
          <Chip
            size="small"
            label={opsAgent.lifecycle}
            aria-label={`Lifecycle ${opsAgent.lifecycle}`}
          />
        )}
      </Typography>
      {opsAgent.owner && (
        <Typography variant="body2">
          Owned by{' '}
          <EntityRefLink entityRef={opsAgent.owner} defaultKind="group" />
        </Typography>
      )}
      {warning && <Alert severity="warning">{warning}</Alert>}
    </Section>
  );
};
