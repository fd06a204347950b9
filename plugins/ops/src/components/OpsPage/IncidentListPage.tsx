import { useState } from 'react';
import {
  INCIDENT_STATUSES,
  IncidentStatus,
  TIERS,
  Tier,
} from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import { IncidentsTable, usePagedIncidents } from '../IncidentsTable';

/** Several values of one filter; none chosen means all of them. */
const FilterGroup = <T extends string>(props: {
  label: string;
  options: readonly T[];
  value: T[];
  onChange: (value: T[]) => void;
}) => (
  <Box display="flex" alignItems="center" gridGap={8}>
    <Typography variant="body2" color="textSecondary" component="span">
      {props.label}
    </Typography>
    <ToggleButtonGroup
      size="small"
      value={props.value}
      onChange={(_event, value: T[]) => props.onChange(value)}
      aria-label={props.label}
    >
      {props.options.map(option => (
        <ToggleButton key={option} value={option}>
          {option}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  </Box>
);

/**
 * Incidents across every entity, filtered by tier and status; unresolved
 * ones by default. Refreshed whenever any incident changes.
 */
export const IncidentListPage = () => {
  const [tiers, setTiers] = useState<Tier[]>([]);
  const [statuses, setStatuses] = useState<IncidentStatus[]>([
    'open',
    'acknowledged',
  ]);
  const incidents = usePagedIncidents({
    query: {
      tier: tiers.length > 0 ? tiers : undefined,
      status: statuses.length > 0 ? statuses : undefined,
    },
    concerns: message => message.type === 'incident',
    initialPageSize: 20,
  });

  return (
    <>
      <Box
        display="flex"
        flexWrap="wrap"
        gridGap={24}
        marginBottom={2}
        aria-label="Filters"
        role="group"
      >
        <FilterGroup
          label="Tier"
          options={TIERS}
          value={tiers}
          onChange={setTiers}
        />
        <FilterGroup
          label="Status"
          options={INCIDENT_STATUSES}
          value={statuses}
          onChange={setStatuses}
        />
      </Box>
      <IncidentsTable
        title="Incidents"
        showEntity
        incidents={incidents.value?.items}
        totalCount={incidents.value?.totalCount}
        loading={incidents.loading}
        error={incidents.error}
        page={incidents.page}
        pageSize={incidents.pageSize}
        onPageChange={incidents.onPageChange}
        emptyText="No incidents match these filters."
      />
    </>
  );
};
