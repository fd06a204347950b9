import {
  HealthState,
  LayerHealth,
} from '@operable/backstage-plugin-ops-common';
import { useTheme } from '@material-ui/core/styles';
import { formatDuration } from '../common';
import { healthColor } from './healthColors';

const WINDOW_MS = 24 * 60 * 60 * 1000;
const WIDTH = 120;
const HEIGHT = 24;
const PAD = 3;

/** Healthy on top, failing at the bottom, unknown in between. */
const LEVELS: Record<HealthState, number> = {
  healthy: PAD,
  degraded: HEIGHT / 2,
  unknown: HEIGHT / 2,
  failing: HEIGHT - PAD,
};

export interface Segment {
  state: HealthState;
  from: number;
  to: number;
}

/**
 * The stretches of time the layer spent in each state within the window
 * ending at `now`. Before the first known state there is no segment: the
 * sparkline leaves that time blank rather than invent a state.
 */
export function toSegments(
  layer: Pick<LayerHealth, 'history' | 'state' | 'since'>,
  now: number,
): Segment[] {
  const start = now - WINDOW_MS;
  const points = layer.history
    .map(point => ({ state: point.state, at: Date.parse(point.at) }))
    .filter(point => !Number.isNaN(point.at) && point.at <= now)
    .sort((a, b) => a.at - b.at);
  const since = Date.parse(layer.since);
  const last = points[points.length - 1];
  if (!last || (last.state !== layer.state && !Number.isNaN(since))) {
    points.push({
      state: layer.state,
      at: Number.isNaN(since) ? start : since,
    });
  }
  const segments: Segment[] = [];
  points.forEach((point, index) => {
    const from = Math.max(point.at, start);
    const to = index + 1 < points.length ? points[index + 1].at : now;
    if (to > from) {
      segments.push({ state: point.state, from, to });
    }
  });
  return segments;
}

/** "healthy 20h, degraded 3h": how long the layer spent in each state. */
export function describeSegments(segments: Segment[]): string {
  const totals = new Map<HealthState, number>();
  for (const segment of segments) {
    totals.set(
      segment.state,
      (totals.get(segment.state) ?? 0) + segment.to - segment.from,
    );
  }
  if (totals.size === 0) {
    return 'no data';
  }
  return [...totals]
    .map(([state, ms]) => `${state} ${formatDuration(ms)}`)
    .join(', ');
}

/** A step line of the last 24 hours of one layer, coloured by state. */
export const Sparkline = (props: {
  layer: Pick<LayerHealth, 'history' | 'state' | 'since'>;
  label: string;
  now?: number;
}) => {
  const theme = useTheme();
  const now = props.now ?? Date.now();
  const segments = toSegments(props.layer, now);
  const start = now - WINDOW_MS;
  const x = (t: number) => ((t - start) / WINDOW_MS) * WIDTH;

  return (
    <svg
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${props.label}, last 24 hours: ${describeSegments(
        segments,
      )}`}
    >
      <line
        x1={0}
        x2={WIDTH}
        y1={HEIGHT - 0.5}
        y2={HEIGHT - 0.5}
        stroke={theme.palette.divider}
      />
      {segments.map((segment, index) => {
        const previous = segments[index - 1];
        return (
          <g key={`${segment.from}-${segment.state}`}>
            {previous && (
              <line
                x1={x(segment.from)}
                x2={x(segment.from)}
                y1={LEVELS[previous.state]}
                y2={LEVELS[segment.state]}
                stroke={theme.palette.text.disabled}
                strokeWidth={1}
              />
            )}
            <line
              x1={x(segment.from)}
              x2={x(segment.to)}
              y1={LEVELS[segment.state]}
              y2={LEVELS[segment.state]}
              stroke={healthColor(theme, segment.state)}
              strokeWidth={2.5}
              strokeDasharray={segment.state === 'unknown' ? '3 2' : undefined}
            />
          </g>
        );
      })}
    </svg>
  );
};
