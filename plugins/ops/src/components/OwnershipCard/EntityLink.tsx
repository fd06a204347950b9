import { EntitySummary } from '@operable/backstage-plugin-ops-common';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';

/**
 * Links to the entity page when the entity is in the catalog; otherwise shows
 * the bare reference, since a link would only lead to a "not found" page.
 */
export const EntityLink = (props: {
  entity: EntitySummary;
  defaultKind?: string;
}) => {
  const { entity, defaultKind } = props;
  if (!entity.found) {
    return (
      <Typography component="span" variant="body2" color="textSecondary">
        {entity.ref}
      </Typography>
    );
  }
  return (
    <EntityRefLink entityRef={entity.ref} defaultKind={defaultKind}>
      {entity.title}
    </EntityRefLink>
  );
};
