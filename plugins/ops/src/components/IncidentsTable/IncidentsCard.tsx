import { useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { IncidentStatus } from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import { isSameEntity } from '../common';
import { IncidentsTable } from './IncidentsTable';
import { usePagedIncidents } from './usePagedIncidents';

type Filter = 'open' | 'all';

/** "Open" means not resolved yet: open or acknowledged. */
const STATUSES: Record<Filter, IncidentStatus[] | undefined> = {
  open: ['open', 'acknowledged'],
  all: undefined,
};

/**
 * The incidents of the current entity, open ones first by default, refreshed
 * when the backend pushes a change to one of them. On a Group: the incidents
 * of the entities it owns, with their entity.
 *
 * @public
 */
export const IncidentsCard = () => {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const isGroup = entity.kind.toLocaleLowerCase('en-US') === 'group';
  const [filter, setFilter] = useState<Filter>('open');
  const incidents = usePagedIncidents({
    query: isGroup
      ? { owner: entityRef, status: STATUSES[filter] }
      : { entityRef, status: STATUSES[filter] },
    concerns: message =>
      message.type === 'incident' &&
      // Which entities a group owns the push does not say: any may be one.
      (isGroup || isSameEntity(message.entityRef, entityRef)),
    initialPageSize: 5,
  });

  const title = (
    <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={16}>
      <Typography variant="h5" component="h2">
        Incidents
      </Typography>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={filter}
        onChange={(_event, value: Filter | null) => value && setFilter(value)}
        aria-label="Which incidents"
      >
        <ToggleButton value="open">Open</ToggleButton>
        <ToggleButton value="all">All</ToggleButton>
      </ToggleButtonGroup>
    </Box>
  );

  let emptyText =
    filter === 'open'
      ? 'No open incidents. Everything this entity reported is resolved.'
      : 'No incidents recorded for this entity.';
  if (isGroup) {
    emptyText =
      filter === 'open'
        ? 'No open incidents on the entities this team owns.'
        : 'No incidents recorded for the entities this team owns.';
  }

  return (
    <IncidentsTable
      title={title}
      showEntity={isGroup}
      incidents={incidents.value?.items}
      totalCount={incidents.value?.totalCount}
      loading={incidents.loading}
      error={incidents.error}
      page={incidents.page}
      pageSize={incidents.pageSize}
      onPageChange={incidents.onPageChange}
      emptyText={emptyText}
    />
  );
};
