import { CircuitBreakerState } from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { ColorChip, RelativeTime } from '../common';

function failuresText(count: number): string {
  return count === 1 ? '1 failure in a row' : `${count} failures in a row`;
}

/**
 * The circuit breaker of a runbook for the entity: closed (the agent runs
 * it) or open (tripped after consecutive failures: incidents escalate
 * instead), and when an open one resets.
 */
export const CircuitBreaker = (props: { breaker: CircuitBreakerState }) => {
  const { breaker } = props;
  const { palette } = useTheme();
  const open = breaker.state === 'open';
  return (
    <Box display="flex" flexDirection="column" alignItems="flex-start">
      <ColorChip
        label={breaker.state}
        aria-label={`Circuit breaker ${breaker.state}`}
        color={open ? palette.error.main : palette.success.main}
        tooltip={
          open
            ? 'Tripped: the runbook is suspended for this entity and its incidents escalate'
            : 'The ops agent runs this runbook'
        }
      />
      {open && (
        <Typography variant="caption">
          {breaker.resetsAt ? (
            <RelativeTime value={breaker.resetsAt} prefix="resets " />
          ) : (
            'stays open until reset'
          )}
        </Typography>
      )}
      {breaker.consecutiveFailures > 0 && (
        <Typography variant="caption" color="textSecondary">
          {failuresText(breaker.consecutiveFailures)}
        </Typography>
      )}
    </Box>
  );
};
