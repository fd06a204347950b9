import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  TimelineEvent,
  TimelineEventType,
} from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import MuiTimeline from '@material-ui/lab/Timeline';
import TimelineConnector from '@material-ui/lab/TimelineConnector';
import TimelineContent from '@material-ui/lab/TimelineContent';
import TimelineDot from '@material-ui/lab/TimelineDot';
import TimelineItem from '@material-ui/lab/TimelineItem';
import TimelineOppositeContent from '@material-ui/lab/TimelineOppositeContent';
import TimelineSeparator from '@material-ui/lab/TimelineSeparator';
import { RelativeTime, formatDateTime } from '../common';

type DotColor = 'inherit' | 'grey' | 'primary' | 'secondary';

/** Humans and agents acting stand out from what the system recorded. */
const DOT_COLORS: Record<TimelineEventType, DotColor> = {
  opened: 'secondary',
  reopened: 'secondary',
  signal: 'grey',
  status: 'primary',
  tier: 'primary',
  note: 'inherit',
  action: 'primary',
  page: 'secondary',
  resolution: 'primary',
};

const TYPE_LABELS: Record<TimelineEventType, string> = {
  opened: 'opened',
  reopened: 'reopened',
  signal: 'signal',
  status: 'status',
  tier: 'tier',
  note: 'note',
  action: 'action',
  page: 'page',
  resolution: 'resolution',
};

/**
 * The facts a `resolution` entry carries, when its data has them: the cause,
 * how many actions and whether there was nothing to do.
 */
export function describeResolutionData(
  entry: Record<string, unknown> | undefined,
): string | undefined {
  // The backend records the resolution under `resolution`.
  const data = (
    entry && typeof entry.resolution === 'object' && entry.resolution !== null
      ? entry.resolution
      : entry
  ) as Record<string, unknown> | undefined;
  if (!data || typeof data.cause !== 'string') {
    return undefined;
  }
  const parts = [`cause ${data.cause}`];
  if (data.notActionable === true) {
    parts.push('not actionable');
  } else if (Array.isArray(data.actions)) {
    const count = data.actions.length;
    parts.push(`${count} ${count === 1 ? 'action' : 'actions'} taken`);
  }
  return parts.join(' · ');
}

/** Every event of an incident, oldest first: time, type, actor, message. */
export const Timeline = (props: { events: TimelineEvent[] }) => {
  const events = [...props.events].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id,
  );
  if (events.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing happened yet.
      </Typography>
    );
  }
  return (
    <MuiTimeline aria-label="Timeline" style={{ padding: 0 }}>
      {events.map((event, index) => (
        <TimelineItem key={event.id}>
          <TimelineOppositeContent style={{ flex: 0.25, minWidth: 140 }}>
            <Typography variant="body2">{formatDateTime(event.at)}</Typography>
            <Typography variant="caption" color="textSecondary">
              <RelativeTime value={event.at} />
            </Typography>
          </TimelineOppositeContent>
          <TimelineSeparator>
            <TimelineDot color={DOT_COLORS[event.type] ?? 'grey'} />
            {index < events.length - 1 && <TimelineConnector />}
          </TimelineSeparator>
          <TimelineContent>
            <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
              <Chip
                size="small"
                variant="outlined"
                label={TYPE_LABELS[event.type] ?? event.type}
                aria-label={`Type ${event.type}`}
              />
              {event.actor && (
                <Typography variant="body2" component="span">
                  by{' '}
                  <EntityRefLink entityRef={event.actor} defaultKind="user" />
                </Typography>
              )}
            </Box>
            <Typography
              variant="body2"
              style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
            >
              {event.message}
            </Typography>
            {event.type === 'resolution' &&
              describeResolutionData(event.data) && (
                <Typography variant="caption" color="textSecondary">
                  {describeResolutionData(event.data)}
                </Typography>
              )}
          </TimelineContent>
        </TimelineItem>
      ))}
    </MuiTimeline>
  );
};
