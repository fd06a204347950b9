import { IncidentStatus as Status } from '@operable/backstage-plugin-ops-common';
import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';

/** Open, acknowledged or resolved, with the usual status colours. */
export const IncidentStatus = (props: { status: Status }) => {
  switch (props.status) {
    case 'open':
      return <StatusError>open</StatusError>;
    case 'acknowledged':
      return <StatusWarning>acknowledged</StatusWarning>;
    case 'resolved':
      return <StatusOK>resolved</StatusOK>;
    default:
      return <>{props.status}</>;
  }
};
