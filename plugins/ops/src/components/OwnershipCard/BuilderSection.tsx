import { Builder } from '@operable/backstage-plugin-ops-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { EntityLink } from './EntityLink';
import { Section } from './Section';

/** The owning team and its members: the people who build and run it. */
export const BuilderSection = (props: { builder?: Builder }) => {
  const { builder } = props;
  if (!builder) {
    return (
      <Section title="Builder">
        <Typography variant="body2" color="textSecondary">
          No owner is set for this entity.
        </Typography>
      </Section>
    );
  }
  return (
    <Section title="Builder">
      <Typography variant="body1">
        <EntityLink entity={builder} defaultKind="group" />
      </Typography>
      {!builder.found && (
        <Alert severity="warning">
          The owner {builder.ref} is not in the catalog. Register the group, or
          fix spec.owner.
        </Alert>
      )}
      {builder.found && builder.members.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          The group has no members in the catalog.
        </Typography>
      )}
      {builder.members.length > 0 && (
        <List dense disablePadding aria-label="Builder members">
          {builder.members.map(member => (
            <ListItem key={member.ref} disableGutters>
              <ListItemText
                primary={<EntityLink entity={member} defaultKind="user" />}
                secondary={member.email}
              />
            </ListItem>
          ))}
        </List>
      )}
    </Section>
  );
};
