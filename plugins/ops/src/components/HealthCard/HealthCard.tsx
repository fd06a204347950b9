import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_OUTCOME_METRIC,
  EntityHealth,
  LAYERS,
  Layer,
  LayerHealth,
} from '@operable/backstage-plugin-ops-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { RelativeTime, isSameEntity, useOpsPush } from '../common';
import { HealthStateChip } from './HealthStateChip';
import { Sparkline } from './Sparkline';

const LAYER_TITLES: Record<Layer, { title: string; description: string }> = {
  product: { title: 'Product', description: 'errors, latency, uptime' },
  'ai-system': {
    title: 'AI system',
    description: 'agents and proxies erroring or drifting',
  },
  outcome: {
    title: 'Outcome',
    description: 'is the leadership metric still moving',
  },
};

/** The layers in sensor order; a layer the backend did not report is unknown. */
function orderedLayers(health: EntityHealth): LayerHealth[] {
  const known = LAYERS.map(
    layer =>
      health.layers.find(entry => entry.layer === layer) ?? {
        layer,
        state: 'unknown' as const,
        reason: 'No signal has arrived for this layer yet',
        since: '',
        history: [],
      },
  );
  const others = health.layers.filter(
    entry => !(LAYERS as readonly string[]).includes(entry.layer),
  );
  return [...known, ...others];
}

const GreenButFailing = (props: { metric?: string; outcome?: LayerHealth }) => (
  <Alert severity="error" variant="filled" style={{ marginBottom: 16 }}>
    <Typography variant="body1">
      <strong>Green and still failing:</strong> the product is healthy but{' '}
      {props.metric ? <code>{props.metric}</code> : 'the outcome metric'} is not
      moving
    </Typography>
    {props.outcome?.reason && (
      <Typography variant="body2">{props.outcome.reason}</Typography>
    )}
  </Alert>
);

const LayerRow = (props: { layer: LayerHealth }) => {
  const { layer } = props;
  const titles = LAYER_TITLES[layer.layer] ?? {
    title: layer.layer,
    description: '',
  };
  return (
    <TableRow aria-label={titles.title}>
      <TableCell component="th" scope="row" style={{ minWidth: 120 }}>
        <Typography variant="subtitle2">{titles.title}</Typography>
        <Typography variant="caption" color="textSecondary">
          {titles.description}
        </Typography>
      </TableCell>
      <TableCell>
        <HealthStateChip state={layer.state} />
      </TableCell>
      <TableCell style={{ overflowWrap: 'anywhere' }}>
        <Typography variant="body2">{layer.reason}</Typography>
      </TableCell>
      <TableCell style={{ whiteSpace: 'nowrap' }}>
        {layer.since ? <RelativeTime value={layer.since} /> : '–'}
      </TableCell>
      <TableCell>
        <Sparkline layer={layer} label={titles.title} />
      </TableCell>
    </TableRow>
  );
};

/**
 * The health of the current entity on the product, AI-system and outcome
 * layers, refreshed when the backend pushes a change.
 *
 * @public
 */
export const HealthCard = () => {
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    () => opsApi.getHealth(entityRef),
    [opsApi, entityRef],
  );
  useOpsPush(
    message =>
      message.type === 'health' && isSameEntity(message.entityRef, entityRef),
    retry,
  );

  let content;
  // A refetch keeps the last value on screen instead of flashing a spinner.
  if (value) {
    const layers = orderedLayers(value);
    content = (
      <>
        {value.greenButFailing && (
          <GreenButFailing
            metric={entity.metadata.annotations?.[ANNOTATION_OUTCOME_METRIC]}
            outcome={layers.find(layer => layer.layer === 'outcome')}
          />
        )}
        <Table size="small" aria-label="Health per layer">
          <TableHead>
            <TableRow>
              <TableCell>Layer</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Reason</TableCell>
              <TableCell>Since</TableCell>
              <TableCell>Last 24h</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {layers.map(layer => (
              <LayerRow key={layer.layer} layer={layer} />
            ))}
          </TableBody>
        </Table>
      </>
    );
  } else if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  }

  return (
    <InfoCard
      title="Health"
      subheader="Product, AI system and outcome, over the last 24 hours"
    >
      {content}
    </InfoCard>
  );
};
