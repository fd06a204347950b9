import {
  RunStatus,
  RunStepStatus,
} from '@operable/backstage-plugin-ops-common';
import { Theme, useTheme } from '@material-ui/core/styles';
import { ColorChip } from './ColorChip';

const RUN_STATUS_MEANINGS: Record<RunStatus, string> = {
  pending: 'Waiting for a replica of the backend to claim it',
  'awaiting-approval': 'Waiting for a person with permission to approve it',
  running: 'Diagnostics, remediation or verification under way',
  succeeded: 'Remediation applied and recovery verified',
  failed: 'A step failed, a gate closed or verification timed out',
  cancelled: 'A person cancelled it',
  rejected: 'A person refused the approval',
};

/** One colour per run status: green done, red failed, amber waiting for a person. */
export function runStatusColor(theme: Theme, status: RunStatus): string {
  const { palette } = theme;
  switch (status) {
    case 'succeeded':
      return palette.success.main;
    case 'failed':
      return palette.error.main;
    case 'rejected':
      return palette.error.dark;
    case 'awaiting-approval':
      return palette.warning.main;
    case 'running':
      return palette.info.main;
    default:
      return palette.grey[500];
  }
}

/** The status of a run as a coloured chip, with what it means as a tooltip. */
export const RunStatusChip = (props: {
  status: RunStatus;
  /** Marks a dry run, which changes nothing. */
  dryRun?: boolean;
  /** Leave out the tooltip, e.g. inside a link that already says it all. */
  plain?: boolean;
}) => {
  const theme = useTheme();
  return (
    <ColorChip
      label={props.dryRun ? `${props.status} · dry` : props.status}
      aria-label={`Run status ${props.status}`}
      color={runStatusColor(theme, props.status)}
      tooltip={props.plain ? undefined : RUN_STATUS_MEANINGS[props.status]}
    />
  );
};

/** How a step of a run ended, or that it is still running. */
export const StepStatusChip = (props: { status: RunStepStatus }) => {
  const { palette } = useTheme();
  const colors: Record<RunStepStatus, string> = {
    running: palette.info.main,
    succeeded: palette.success.main,
    failed: palette.error.main,
    skipped: palette.grey[400],
  };
  return (
    <ColorChip
      label={props.status}
      aria-label={`Step status ${props.status}`}
      color={colors[props.status] ?? palette.grey[500]}
    />
  );
};
