import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Resolution,
  ResolutionAction,
} from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { RelativeTime, formatDuration } from '../common';
import { causeLabel } from './resolutionForm';

/** One action taken: the registry action and its input, or the words. */
export const ResolutionActionItem = (props: { action: ResolutionAction }) => {
  const { action } = props;
  if ('text' in action) {
    return (
      <Typography variant="body2" style={{ whiteSpace: 'pre-wrap' }}>
        {action.text}
      </Typography>
    );
  }
  const input = action.input ?? {};
  return (
    <>
      <Typography variant="body2" component="code">
        {action.action}
      </Typography>
      {Object.keys(input).length > 0 && (
        <Box
          component="pre"
          fontSize="0.8rem"
          margin={0}
          marginTop={0.5}
          style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
        >
          {JSON.stringify(input, null, 2)}
        </Box>
      )}
    </>
  );
};

/** How a person resolved an incident: cause, actions in order, notes. */
export const ResolutionView = (props: { resolution: Resolution }) => {
  const { resolution } = props;
  return (
    <Box display="flex" flexDirection="column" gridGap={12}>
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
        <Chip
          size="small"
          color="primary"
          label={`Cause: ${causeLabel(resolution.cause)}`}
          aria-label={`Cause ${resolution.cause}`}
        />
        {resolution.notActionable && (
          <Chip size="small" variant="outlined" label="not actionable" />
        )}
        <Typography variant="body2" color="textSecondary">
          by{' '}
          <EntityRefLink entityRef={resolution.resolvedBy} defaultKind="user" />{' '}
          <RelativeTime value={resolution.resolvedAt} />, after{' '}
          {formatDuration(resolution.minutesToResolve * 60_000)}
        </Typography>
      </Box>
      {resolution.actions.length > 0 ? (
        <Box
          component="ol"
          aria-label="Actions taken"
          margin={0}
          paddingLeft={3}
        >
          {resolution.actions.map((action, index) => (
            <li key={index}>
              <ResolutionActionItem action={action} />
            </li>
          ))}
        </Box>
      ) : (
        <Typography variant="body2" color="textSecondary">
          No action taken.
        </Typography>
      )}
      {resolution.notes && (
        <Box>
          <Typography variant="subtitle2">Notes</Typography>
          <Typography variant="body2" style={{ whiteSpace: 'pre-wrap' }}>
            {resolution.notes}
          </Typography>
        </Box>
      )}
    </Box>
  );
};
