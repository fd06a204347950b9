import { useParams } from 'react-router-dom';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { IncidentDetails } from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  HandledBy,
  IncidentStatus,
  RelativeTime,
  TierChip,
  useOpsPush,
  useOptionalRouteRef,
} from '../common';
import { ResolutionCard } from '../Resolution';
import { BlastRadiusGraph } from './BlastRadiusGraph';
import { BlastRadiusList } from './BlastRadiusList';
import { IncidentActions, useCanUpdateIncidents } from './IncidentActions';
import { IncidentPages } from './IncidentPages';
import { IncidentRuns } from './IncidentRuns';
import { NoteBox } from './NoteBox';
import { Timeline } from './Timeline';

const IncidentHeader = (props: {
  details: IncidentDetails;
  onChanged: () => void;
}) => {
  const { incident } = props.details;
  const rootLink = useOptionalRouteRef(rootRouteRef);
  return (
    <Box marginBottom={3}>
      {rootLink && <Link to={rootLink()}>← All incidents</Link>}
      <Box
        display="flex"
        justifyContent="space-between"
        alignItems="flex-start"
        flexWrap="wrap"
        gridGap={16}
        marginTop={1}
      >
        <Box>
          <Typography variant="h4" component="h1">
            {incident.title}
          </Typography>
          <Box
            display="flex"
            alignItems="center"
            flexWrap="wrap"
            gridGap={12}
            marginY={1}
          >
            <TierChip tier={incident.tier} />
            <IncidentStatus status={incident.status} />
            <Chip
              size="small"
              variant="outlined"
              label={incident.severity}
              aria-label={`Severity ${incident.severity}`}
            />
            <Typography variant="body2" color="textSecondary">
              {incident.layer} layer
            </Typography>
          </Box>
          <Typography variant="body2">
            On <EntityRefLink entityRef={incident.entityRef} /> · opened{' '}
            <RelativeTime value={incident.openedAt} />
            {incident.resolvedAt && (
              <>
                {' '}
                · resolved <RelativeTime value={incident.resolvedAt} />
              </>
            )}
          </Typography>
          <HandledBy incident={incident} />
        </Box>
        <IncidentActions incident={incident} onChanged={props.onChanged} />
      </Box>
    </Box>
  );
};

/**
 * One incident: what it is, who handled it, the runs of its runbooks,
 * everything that happened to it, how far it reaches and who was paged.
 * Refreshed when the backend pushes a change to it.
 */
export const IncidentPage = () => {
  const { id = '' } = useParams();
  const opsApi = useApi(opsApiRef);
  const canUpdate = useCanUpdateIncidents();
  const { value, loading, error, retry } = useAsyncRetry(
    () => opsApi.getIncident(id),
    [opsApi, id],
  );
  useOpsPush(
    message => message.type === 'incident' && message.incidentId === id,
    retry,
  );

  if (!value) {
    if (loading) {
      return <Progress />;
    }
    return error ? <ResponseErrorPanel error={error} /> : null;
  }

  return (
    <>
      <IncidentHeader details={value} onChanged={retry} />
      <Grid container spacing={3}>
        <Grid item xs={12} lg={7}>
          <Box display="flex" flexDirection="column" gridGap={24}>
            <ResolutionCard
              incident={value.incident}
              canUpdate={canUpdate}
              onChanged={retry}
            />
            <InfoCard
              title="Runs"
              subheader="The runbooks the ops agent ran for this incident, newest first"
            >
              <IncidentRuns incident={value.incident} />
            </InfoCard>
            <InfoCard title="Timeline">
              <Timeline events={value.timeline} />
              {canUpdate && (
                <NoteBox incidentId={value.incident.id} onAdded={retry} />
              )}
            </InfoCard>
          </Box>
        </Grid>
        <Grid item xs={12} lg={5}>
          <Box display="flex" flexDirection="column" gridGap={24}>
            <InfoCard
              title="Blast radius"
              subheader="The entities this failure can reach, through catalog relations"
            >
              {value.blastRadius.length > 0 && (
                <BlastRadiusGraph
                  entityRef={value.incident.entityRef}
                  entries={value.blastRadius}
                />
              )}
              <BlastRadiusList entries={value.blastRadius} />
            </InfoCard>
            <InfoCard
              title="Pages"
              subheader="Who was paged, through which channels, and whether off-hours"
            >
              <IncidentPages incidentId={value.incident.id} />
            </InfoCard>
          </Box>
        </Grid>
      </Grid>
    </>
  );
};
