import { RunbookLifecycle } from '@operable/backstage-plugin-ops-common';
import { useTheme } from '@material-ui/core/styles';
import { ColorChip } from '../common';

const LIFECYCLE_MEANINGS: Record<RunbookLifecycle, string> = {
  draft: 'Drafted: the ops agent does not run it yet',
  active: 'The ops agent runs it',
  deprecated: 'Still runs, flagged for replacement',
  retired: 'Never runs again',
};

/** Where a runbook is in its life: draft, active, deprecated or retired. */
export const LifecycleChip = (props: { lifecycle: RunbookLifecycle }) => {
  const { palette } = useTheme();
  const colors: Record<RunbookLifecycle, string> = {
    draft: palette.info.light,
    active: palette.success.main,
    deprecated: palette.warning.main,
    retired: palette.grey[500],
  };
  return (
    <ColorChip
      label={props.lifecycle}
      aria-label={`Lifecycle ${props.lifecycle}`}
      color={colors[props.lifecycle] ?? palette.grey[500]}
      tooltip={LIFECYCLE_MEANINGS[props.lifecycle]}
    />
  );
};
