import { EscalationStep } from '@operable/backstage-plugin-ops-common';
import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import { EntityLink } from './EntityLink';
import { Section } from './Section';

const ROLE_TITLES: Record<EscalationStep['role'], string> = {
  builder: 'Builder',
  platform: 'Platform',
  architect: 'Architect',
};

/**
 * Who a systemic incident reaches, in order: the builder first, then the
 * platform group, then the architect group.
 */
export const EscalationPath = (props: { steps: EscalationStep[] }) => {
  const { steps } = props;
  return (
    <Section title="Escalation">
      {steps.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No escalation path is configured.
        </Typography>
      ) : (
        <Stepper
          alternativeLabel
          nonLinear
          activeStep={-1}
          aria-label="Escalation path"
        >
          {steps.map(step => (
            <Step key={step.role} completed={false}>
              <StepLabel
                optional={
                  step.group ? (
                    <EntityLink entity={step.group} defaultKind="group" />
                  ) : (
                    <Typography variant="caption" color="textSecondary">
                      not configured
                    </Typography>
                  )
                }
              >
                {ROLE_TITLES[step.role] ?? step.role}
              </StepLabel>
            </Step>
          ))}
        </Stepper>
      )}
    </Section>
  );
};
