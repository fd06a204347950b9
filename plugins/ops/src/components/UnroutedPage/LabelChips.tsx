import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';

/** The labels of a signal, one `key=value` chip each. */
export const LabelChips = (props: { labels: Record<string, string> }) => {
  const entries = Object.entries(props.labels).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return (
    <Box
      component="ul"
      aria-label="Labels"
      display="flex"
      flexWrap="wrap"
      gridGap={4}
      padding={0}
      margin={0}
      style={{ listStyle: 'none' }}
    >
      {entries.map(([key, value]) => (
        <li key={key}>
          <Chip size="small" variant="outlined" label={`${key}=${value}`} />
        </li>
      ))}
    </Box>
  );
};
