import { useState } from 'react';
import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Signal,
  opsUnroutedRoutePermission,
} from '@operable/backstage-plugin-ops-common';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { RelativeTime, useOpsPush } from '../common';
import { LabelChips } from './LabelChips';
import { RouteSignalDialog } from './RouteSignalDialog';

/**
 * The signals that matched no entity, for the platform team to route by
 * hand, and refreshed whenever the queue changes.
 */
export const UnroutedPage = () => {
  const opsApi = useApi(opsApiRef);
  const canRoute = usePermission({
    permission: opsUnroutedRoutePermission,
  }).allowed;
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(20);
  const [routing, setRouting] = useState<Signal>();

  const { value, loading, error, retry } = useAsyncRetry(
    () => opsApi.listUnrouted({ limit: pageSize, offset: page * pageSize }),
    [opsApi, page, pageSize],
  );
  useOpsPush(message => message.type === 'unrouted', retry);

  const columns: TableColumn<Signal>[] = [
    {
      title: 'Received',
      field: 'receivedAt',
      render: signal => <RelativeTime value={signal.receivedAt} />,
    },
    { title: 'Source', field: 'source' },
    {
      title: 'Name',
      field: 'name',
      render: signal => (
        <>
          <Typography variant="body2">{signal.name}</Typography>
          <Typography variant="caption" color="textSecondary">
            {[signal.layer, signal.status, signal.severity]
              .filter(Boolean)
              .join(' · ')}
          </Typography>
        </>
      ),
    },
    {
      title: 'Labels',
      render: signal => <LabelChips labels={signal.labels} />,
    },
    { title: 'Summary', field: 'summary' },
    ...(canRoute
      ? [
          {
            title: 'Action',
            render: (signal: Signal) => (
              <Button
                size="small"
                variant="outlined"
                color="primary"
                onClick={() => setRouting(signal)}
                aria-label={`Route ${signal.name} to entity`}
              >
                Route to entity
              </Button>
            ),
          },
        ]
      : []),
  ];

  if (error && !value) {
    return <ResponseErrorPanel error={error} />;
  }

  const totalCount = value?.totalCount ?? 0;
  return (
    <>
      <Table<Signal>
        title="Unrouted signals"
        subtitle="Signals that matched no entity: route them, and teach the selector for next time"
        columns={columns}
        data={value?.items ?? []}
        isLoading={loading && !value}
        page={page}
        totalCount={totalCount}
        onPageChange={(nextPage, nextPageSize) => {
          setPage(nextPage);
          setPageSize(nextPageSize);
        }}
        onRowsPerPageChange={nextPageSize => {
          setPage(0);
          setPageSize(nextPageSize);
        }}
        options={{
          search: false,
          sorting: false,
          padding: 'dense',
          paging: totalCount > pageSize,
          pageSize,
          pageSizeOptions: [20, 50, 100],
          emptyRowsWhenPaging: false,
        }}
        emptyContent={
          <Typography
            variant="body2"
            color="textSecondary"
            style={{ padding: 16 }}
          >
            Every signal found its entity. Nothing to route.
          </Typography>
        }
      />
      {routing && (
        <RouteSignalDialog
          signal={routing}
          onClose={() => setRouting(undefined)}
          onRouted={() => {
            setRouting(undefined);
            retry();
          }}
        />
      )}
    </>
  );
};
