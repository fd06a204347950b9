import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Incident } from '@operable/backstage-plugin-ops-common';
import Typography from '@material-ui/core/Typography';

/** Who acknowledged and who resolved the incident: a person or an ops agent. */
export const HandledBy = (props: { incident: Incident }) => {
  const { acknowledgedBy, resolvedBy } = props.incident;
  if (!acknowledgedBy && !resolvedBy) {
    return (
      <Typography variant="body2" color="textSecondary">
        nobody yet
      </Typography>
    );
  }
  return (
    <>
      {acknowledgedBy && (
        <Typography variant="body2">
          Acknowledged by{' '}
          <EntityRefLink entityRef={acknowledgedBy} defaultKind="user" />
        </Typography>
      )}
      {resolvedBy && (
        <Typography variant="body2">
          Resolved by{' '}
          <EntityRefLink entityRef={resolvedBy} defaultKind="user" />
        </Typography>
      )}
    </>
  );
};
