import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';

/** One part of a stacked bar: e.g. the failed runs of a week. */
export interface BarPart {
  /** What the part counts, e.g. "failed"; also its legend entry. */
  label: string;
  value: number;
  color: string;
}

/** One bar of a week: its parts stacked from the baseline up. */
export interface Bar {
  label: string;
  parts: BarPart[];
}

/** The bars of one week, side by side. */
export interface WeekBars {
  weekStart: string;
  bars: Bar[];
}

export interface BarRect {
  key: string;
  x: number;
  y: number;
  width: number;
  height: number;
  color: string;
  title: string;
}

const BAR_WIDTH = 12;
const BAR_GAP = 2;
const WEEK_GAP = 10;
const AXIS = 14;

const weekFormat = new Intl.DateTimeFormat('en', {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/** "Mar 2" for the week starting on 2026-03-02. */
export function formatWeek(weekStart: string): string {
  const at = Date.parse(weekStart);
  return Number.isNaN(at) ? weekStart : weekFormat.format(at);
}

function total(bar: Bar): number {
  return bar.parts.reduce((sum, part) => sum + Math.max(0, part.value), 0);
}

/**
 * Where each part of each bar goes in a chart of `height` pixels (the axis
 * labels below not counted), scaled to the tallest bar. Empty parts take no
 * room.
 */
export function layoutBars(
  weeks: WeekBars[],
  height: number,
): { rects: BarRect[]; width: number; max: number } {
  const max = Math.max(0, ...weeks.flatMap(week => week.bars.map(total)));
  const rects: BarRect[] = [];
  let x = 0;
  for (const week of weeks) {
    for (const [barIndex, bar] of week.bars.entries()) {
      let top = height;
      for (const part of bar.parts) {
        if (part.value <= 0 || max === 0) {
          continue;
        }
        const partHeight = (part.value / max) * height;
        top -= partHeight;
        rects.push({
          key: `${week.weekStart}-${barIndex}-${part.label}`,
          x,
          y: top,
          width: BAR_WIDTH,
          height: partHeight,
          color: part.color,
          title: `Week of ${formatWeek(week.weekStart)}: ${part.value} ${
            part.label
          }`,
        });
      }
      x += BAR_WIDTH + (barIndex < week.bars.length - 1 ? BAR_GAP : 0);
    }
    x += WEEK_GAP;
  }
  return { rects, width: Math.max(0, x - WEEK_GAP), max };
}

/** "Mar 2: 4 succeeded, 1 failed; Mar 9: …", for readers that cannot see the chart. */
export function describeWeeks(weeks: WeekBars[]): string {
  if (weeks.length === 0) {
    return 'no weeks yet';
  }
  return weeks
    .map(
      week =>
        `${formatWeek(week.weekStart)}: ${week.bars
          .flatMap(bar => bar.parts)
          .map(part => `${part.value} ${part.label}`)
          .join(', ')}`,
    )
    .join('; ');
}

/**
 * Stacked bars per week in plain SVG, oldest week first, with a legend. The
 * first and the last week are named below the bars.
 */
export const WeeklyBars = (props: {
  weeks: WeekBars[];
  /** What the chart shows, e.g. "Runs per week". */
  label: string;
  height?: number;
}) => {
  const theme = useTheme();
  const height = props.height ?? 72;
  const { weeks, label } = props;
  const { rects, width, max } = layoutBars(weeks, height);
  const legend = new Map<string, string>();
  for (const part of weeks.flatMap(week =>
    week.bars.flatMap(bar => bar.parts),
  )) {
    legend.set(part.label, part.color);
  }
  const weekWidth = weeks.length > 0 ? (width + WEEK_GAP) / weeks.length : 0;
  const first = weeks[0];
  const last = weeks[weeks.length - 1];

  return (
    <Box>
      <svg
        width={Math.max(width, 1)}
        height={height + AXIS}
        viewBox={`0 0 ${Math.max(width, 1)} ${height + AXIS}`}
        role="img"
        aria-label={`${label}: ${describeWeeks(weeks)}`}
        style={{ overflow: 'visible' }}
      >
        <line
          x1={0}
          x2={width}
          y1={height + 0.5}
          y2={height + 0.5}
          stroke={theme.palette.divider}
        />
        {rects.map(rect => (
          <rect
            key={rect.key}
            data-testid="bar-part"
            x={rect.x}
            y={rect.y}
            width={rect.width}
            height={rect.height}
            fill={rect.color}
          >
            <title>{rect.title}</title>
          </rect>
        ))}
        {first && (
          <text
            x={0}
            y={height + AXIS - 2}
            fontSize={10}
            fill={theme.palette.text.secondary}
          >
            {formatWeek(first.weekStart)}
          </text>
        )}
        {last && weeks.length > 2 && (
          <text
            x={(weeks.length - 1) * weekWidth}
            y={height + AXIS - 2}
            fontSize={10}
            fill={theme.palette.text.secondary}
          >
            {formatWeek(last.weekStart)}
          </text>
        )}
      </svg>
      <Box display="flex" flexWrap="wrap" gridGap={12} marginTop={0.5}>
        {[...legend].map(([partLabel, color]) => (
          <Box key={partLabel} display="flex" alignItems="center" gridGap={4}>
            <Box
              width={10}
              height={10}
              bgcolor={color}
              borderRadius={2}
              aria-hidden
            />
            <Typography variant="caption">{partLabel}</Typography>
          </Box>
        ))}
        <Typography variant="caption" color="textSecondary">
          tallest bar {max}
        </Typography>
      </Box>
    </Box>
  );
};
