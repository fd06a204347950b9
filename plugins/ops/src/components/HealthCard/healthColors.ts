import { HealthState } from '@operable/backstage-plugin-ops-common';
import { Theme } from '@material-ui/core/styles';

/** One colour per health state, the same in the chip and the sparkline. */
export function healthColor(theme: Theme, state: HealthState): string {
  switch (state) {
    case 'healthy':
      return theme.palette.success.main;
    case 'degraded':
      return theme.palette.warning.main;
    case 'failing':
      return theme.palette.error.main;
    default:
      return theme.palette.grey[500];
  }
}
