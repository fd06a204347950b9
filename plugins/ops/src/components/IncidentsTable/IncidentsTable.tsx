import { ReactElement } from 'react';
import {
  Link,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Incident } from '@operable/backstage-plugin-ops-common';
import Typography from '@material-ui/core/Typography';
import { incidentRouteRef } from '../../routes';
import {
  HandledBy,
  IncidentStatus,
  RelativeTime,
  TierChip,
  useOptionalRouteRef,
} from '../common';

export interface IncidentsTableProps {
  title: string | ReactElement;
  incidents?: Incident[];
  totalCount?: number;
  loading: boolean;
  error?: Error;
  page: number;
  pageSize: number;
  onPageChange: (page: number, pageSize: number) => void;
  /** Adds a column with the entity of each incident. */
  showEntity?: boolean;
  emptyText: string;
}

/**
 * Incidents with their tier, status, title (linked to the incident page),
 * age and who handled them, paged on the server.
 */
export const IncidentsTable = (props: IncidentsTableProps) => {
  const { incidents, totalCount, loading, error, page, pageSize } = props;
  const incidentLink = useOptionalRouteRef(incidentRouteRef);

  const columns: TableColumn<Incident>[] = [
    {
      title: 'Tier',
      field: 'tier',
      width: '1%',
      render: incident => <TierChip tier={incident.tier} />,
    },
    {
      title: 'Status',
      field: 'status',
      width: '1%',
      render: incident => <IncidentStatus status={incident.status} />,
    },
    {
      title: 'Title',
      field: 'title',
      render: incident => (
        <>
          {incidentLink ? (
            <Link to={incidentLink({ id: incident.id })}>{incident.title}</Link>
          ) : (
            incident.title
          )}
          <Typography variant="caption" color="textSecondary" display="block">
            {incident.severity} · {incident.layer}
          </Typography>
        </>
      ),
    },
    ...(props.showEntity
      ? [
          {
            title: 'Entity',
            field: 'entityRef',
            render: (incident: Incident) => (
              <EntityRefLink entityRef={incident.entityRef} />
            ),
          },
        ]
      : []),
    {
      title: 'Age',
      field: 'openedAt',
      render: incident => <RelativeTime value={incident.openedAt} />,
    },
    {
      title: 'Handled by',
      render: incident => <HandledBy incident={incident} />,
    },
  ];

  if (error && !incidents) {
    return <ResponseErrorPanel error={error} />;
  }

  return (
    <Table<Incident>
      title={props.title}
      columns={columns}
      data={incidents ?? []}
      isLoading={loading && !incidents}
      page={page}
      totalCount={totalCount ?? 0}
      onPageChange={props.onPageChange}
      onRowsPerPageChange={nextPageSize => props.onPageChange(0, nextPageSize)}
      options={{
        search: false,
        sorting: false,
        padding: 'dense',
        paging: (totalCount ?? 0) > pageSize,
        pageSize,
        pageSizeOptions: [5, 10, 20, 50],
        emptyRowsWhenPaging: false,
      }}
      emptyContent={
        <Typography
          variant="body2"
          color="textSecondary"
          style={{ padding: 16 }}
        >
          {props.emptyText}
        </Typography>
      }
    />
  );
};
