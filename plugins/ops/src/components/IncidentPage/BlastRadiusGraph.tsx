import { BlastRadiusEntry } from '@operable/backstage-plugin-ops-common';
import { useTheme } from '@material-ui/core/styles';
import { entityName } from '../common';
import { describeChain } from './BlastRadiusList';

const RING_GAP = 80;
const MARGIN = 70;
/** Room along a ring for one node and its label. */
const NODE_SPACING = 70;
const LABEL_LENGTH = 18;

export interface PlacedNode {
  entry: BlastRadiusEntry;
  depth: number;
  x: number;
  y: number;
}

export interface RadialLayout {
  size: number;
  center: number;
  /** Radius of each ring, by depth - 1. */
  rings: number[];
  nodes: PlacedNode[];
}

/**
 * Places the failing entity in the middle and each reached entity on the ring
 * of its distance (the length of its relation chain). A crowded ring grows so
 * that its nodes keep their spacing; rings never overlap.
 */
export function radialLayout(entries: BlastRadiusEntry[]): RadialLayout {
  const byDepth = new Map<number, BlastRadiusEntry[]>();
  for (const entry of entries) {
    const depth = Math.max(1, entry.via.length);
    byDepth.set(depth, [...(byDepth.get(depth) ?? []), entry]);
  }
  const maxDepth = Math.max(0, ...byDepth.keys());
  const rings: number[] = [];
  for (let depth = 1; depth <= maxDepth; depth++) {
    const count = byDepth.get(depth)?.length ?? 0;
    const previous = rings[depth - 2] ?? 0;
    rings.push(
      Math.max(previous + RING_GAP, (count * NODE_SPACING) / (2 * Math.PI)),
    );
  }
  const outer = rings[rings.length - 1] ?? 0;
  const center = outer + MARGIN;
  const nodes: PlacedNode[] = [];
  for (const [depth, ring] of byDepth) {
    const radius = rings[depth - 1];
    // Every other ring is turned half a step so that labels interleave.
    const offset = depth % 2 === 0 ? Math.PI / ring.length : 0;
    ring.forEach((entry, index) => {
      const angle = -Math.PI / 2 + offset + (2 * Math.PI * index) / ring.length;
      nodes.push({
        entry,
        depth,
        x: center + radius * Math.cos(angle),
        y: center + radius * Math.sin(angle),
      });
    });
  }
  return { size: 2 * center, center, rings, nodes };
}

function shorten(text: string): string {
  return text.length > LABEL_LENGTH
    ? `${text.slice(0, LABEL_LENGTH - 1)}…`
    : text;
}

/**
 * The failing entity in the middle, the entities it can reach on rings by
 * distance. Direct neighbours are joined by solid lines, entities reached
 * through others by dashed ones.
 */
export const BlastRadiusGraph = (props: {
  entityRef: string;
  entries: BlastRadiusEntry[];
}) => {
  const theme = useTheme();
  const { size, center, rings, nodes } = radialLayout(props.entries);
  const label = `Blast radius of ${entityName(props.entityRef)}: ${
    nodes.length
  } ${nodes.length === 1 ? 'entity' : 'entities'} within ${rings.length} ${
    rings.length === 1 ? 'hop' : 'hops'
  }`;
  const fontSize = theme.typography.caption.fontSize;

  return (
    <svg
      viewBox={`0 0 ${size} ${size}`}
      width="100%"
      style={{ maxWidth: size, display: 'block', margin: '0 auto' }}
      role="img"
      aria-label={label}
    >
      {rings.map((radius, index) => (
        <g key={radius}>
          <circle
            cx={center}
            cy={center}
            r={radius}
            fill="none"
            stroke={theme.palette.divider}
            strokeDasharray="4 4"
          />
          <text
            x={center + 4}
            y={center - radius - 4}
            fontSize={fontSize}
            fill={theme.palette.text.secondary}
          >
            {index + 1} {index === 0 ? 'hop' : 'hops'}
          </text>
        </g>
      ))}
      {nodes.map(node => (
        <line
          key={`edge-${node.entry.entityRef}`}
          x1={center}
          y1={center}
          x2={node.x}
          y2={node.y}
          stroke={theme.palette.text.disabled}
          strokeDasharray={node.depth > 1 ? '3 3' : undefined}
        >
          <title>{describeChain(node.entry.via)}</title>
        </line>
      ))}
      {nodes.map(node => (
        <g key={node.entry.entityRef} data-testid="blast-radius-node">
          <title>
            {node.entry.entityRef} via {describeChain(node.entry.via)}
            {node.entry.owner ? `, owned by ${node.entry.owner}` : ''}
          </title>
          <circle
            cx={node.x}
            cy={node.y}
            r={8}
            fill={
              node.depth === 1
                ? theme.palette.warning.main
                : theme.palette.grey[500]
            }
            stroke={theme.palette.background.paper}
            strokeWidth={2}
          />
          <text
            x={node.x}
            y={node.y + 22}
            textAnchor="middle"
            fontSize={fontSize}
            fill={theme.palette.text.primary}
          >
            {shorten(entityName(node.entry.entityRef))}
          </text>
        </g>
      ))}
      <g>
        <title>{props.entityRef}: the failing entity</title>
        <circle
          cx={center}
          cy={center}
          r={13}
          fill={theme.palette.error.main}
          stroke={theme.palette.background.paper}
          strokeWidth={2}
        />
        <text
          x={center}
          y={center + 28}
          textAnchor="middle"
          fontSize={fontSize}
          fontWeight="bold"
          fill={theme.palette.text.primary}
        >
          {shorten(entityName(props.entityRef))}
        </text>
      </g>
    </svg>
  );
};
