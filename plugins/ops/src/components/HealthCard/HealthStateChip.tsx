import { HealthState } from '@operable/backstage-plugin-ops-common';
import { useTheme } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import HelpIcon from '@material-ui/icons/Help';
import WarningIcon from '@material-ui/icons/Warning';
import { ColorChip } from '../common';
import { healthColor } from './healthColors';

const ICONS: Record<HealthState, JSX.Element> = {
  healthy: <CheckCircleIcon />,
  degraded: <WarningIcon />,
  failing: <ErrorIcon />,
  unknown: <HelpIcon />,
};

/** healthy, degraded, failing or unknown, with an icon and a colour. */
export const HealthStateChip = (props: { state: HealthState }) => {
  const theme = useTheme();
  return (
    <ColorChip
      label={props.state}
      aria-label={`State ${props.state}`}
      color={healthColor(theme, props.state)}
      icon={ICONS[props.state] ?? ICONS.unknown}
    />
  );
};
