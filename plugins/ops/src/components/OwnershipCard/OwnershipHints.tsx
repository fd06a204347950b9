import { OwnershipHint } from '@operable/backstage-plugin-ops-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';

/** What the entity still lacks, each with the exact thing to add. */
export const OwnershipHints = (props: { hints: OwnershipHint[] }) => (
  <List dense disablePadding aria-label="What to add">
    {props.hints.map(hint => (
      <ListItem key={`${hint.key}:${hint.message}`} disableGutters>
        <ListItemText
          // References such as component:default/<agent> must wrap, not overflow.
          style={{ overflowWrap: 'anywhere' }}
          primary={hint.message}
          secondary={<code>{hint.key}</code>}
        />
      </ListItem>
    ))}
  </List>
);
