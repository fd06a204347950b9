import { useState } from 'react';
import { RunPhase, RunStep } from '@operable/backstage-plugin-ops-common';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import Alert from '@material-ui/lab/Alert';
import { StepStatusChip, formatElapsed } from '../common';

const useStyles = makeStyles(theme => ({
  steps: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  },
  step: {
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1.5, 2),
  },
  json: {
    margin: 0,
    width: '100%',
    overflowX: 'auto',
    fontFamily: 'monospace',
    fontSize: theme.typography.body2.fontSize,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
}));

const PHASE_TITLES: Record<RunPhase, string> = {
  diagnostics: 'diagnostics',
  remediation: 'remediation',
  verify: 'verification',
};

const PHASE_ORDER: RunPhase[] = ['diagnostics', 'remediation', 'verify'];

/**
 * The steps in the order they ran: by phase, then by when they started. A
 * step the backend sent earlier stays earlier among equals.
 */
export function orderSteps(steps: RunStep[]): RunStep[] {
  return steps
    .map((step, index) => ({ step, index }))
    .sort(
      (a, b) =>
        PHASE_ORDER.indexOf(a.step.phase) - PHASE_ORDER.indexOf(b.step.phase) ||
        Date.parse(a.step.startedAt) - Date.parse(b.step.startedAt) ||
        a.index - b.index,
    )
    .map(({ step }) => step);
}

function stepDuration(step: RunStep): string | undefined {
  if (step.durationMs !== undefined) {
    return formatElapsed(step.durationMs);
  }
  if (step.finishedAt) {
    return formatElapsed(
      Date.parse(step.finishedAt) - Date.parse(step.startedAt),
    );
  }
  return undefined;
}

/** Text as it is; anything else as indented JSON. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** The recorded input or output of a step, folded away until asked for. */
const Recorded = (props: {
  label: 'Input' | 'Output';
  stepKey: string;
  value: unknown;
}) => {
  const classes = useStyles();
  const [expanded, setExpanded] = useState(false);
  const empty =
    props.value === undefined ||
    (typeof props.value === 'object' &&
      props.value !== null &&
      Object.keys(props.value).length === 0);
  if (empty) {
    return (
      <Typography variant="body2" color="textSecondary">
        No {props.label.toLocaleLowerCase('en-US')} recorded
      </Typography>
    );
  }
  const id = `ops-step-${props.stepKey}-${props.label.toLocaleLowerCase(
    'en-US',
  )}`;
  return (
    <Accordion
      expanded={expanded}
      onChange={(_event, next) => setExpanded(next)}
      TransitionProps={{ unmountOnExit: true }}
      variant="outlined"
    >
      <AccordionSummary
        expandIcon={<ExpandMoreIcon />}
        aria-controls={`${id}-content`}
        id={`${id}-header`}
      >
        <Typography variant="body2">{props.label}</Typography>
      </AccordionSummary>
      {/* The accordion makes this a region named by the summary. */}
      <AccordionDetails>
        <pre className={classes.json}>{asText(props.value)}</pre>
      </AccordionDetails>
    </Accordion>
  );
};

const Step = (props: { step: RunStep; position: number }) => {
  const { step, position } = props;
  const classes = useStyles();
  const duration = stepDuration(step);
  const title = step.name ?? step.stepId;
  return (
    <li className={classes.step} aria-label={`Step ${position}: ${title}`}>
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={12}>
        <Typography variant="subtitle1" component="h3">
          {position}. {title}
        </Typography>
        <Chip
          size="small"
          variant="outlined"
          label={PHASE_TITLES[step.phase] ?? step.phase}
          aria-label={`Phase ${step.phase}`}
        />
        <Typography variant="body2" component="code">
          {step.action}
        </Typography>
        <StepStatusChip status={step.status} />
        {duration && (
          <Typography variant="body2" color="textSecondary">
            took {duration}
          </Typography>
        )}
      </Box>
      <Typography
        variant="caption"
        color="textSecondary"
        component="p"
        style={{ overflowWrap: 'anywhere', marginTop: 4 }}
      >
        {step.name && (
          <>
            Step <code>{step.stepId}</code> ·{' '}
          </>
        )}
        Idempotency key <code>{step.idempotencyKey}</code>
      </Typography>
      {step.error && (
        <Alert severity="error" style={{ marginTop: 8 }}>
          <span style={{ whiteSpace: 'pre-wrap' }}>{step.error}</span>
        </Alert>
      )}
      <Box display="flex" flexDirection="column" gridGap={8} marginTop={1}>
        <Recorded
          label="Input"
          stepKey={`${position}-${step.stepId}`}
          value={step.input}
        />
        <Recorded
          label="Output"
          stepKey={`${position}-${step.stepId}`}
          value={step.output}
        />
      </Box>
    </li>
  );
};

/** Every step of a run in order: phase, action, outcome, duration, key, input, output, error. */
export const RunSteps = (props: { steps: RunStep[] }) => {
  const classes = useStyles();
  if (props.steps.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No step has run yet.
      </Typography>
    );
  }
  return (
    <ol className={classes.steps} aria-label="Steps">
      {orderSteps(props.steps).map((step, index) => (
        <Step
          key={`${step.phase}-${step.stepId}-${index}`}
          step={step}
          position={index + 1}
        />
      ))}
    </ol>
  );
};
