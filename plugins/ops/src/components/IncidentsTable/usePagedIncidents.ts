import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { OpsPushMessage } from '@operable/backstage-plugin-ops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { IncidentQuery, opsApiRef } from '../../api';
import { useOpsPush } from '../common';

/**
 * One page of the incidents matching `query`, paged on the server, and
 * refetched when a pushed message `concerns` them.
 */
export function usePagedIncidents(options: {
  query: Omit<IncidentQuery, 'limit' | 'offset'>;
  concerns: (message: OpsPushMessage) => boolean;
  initialPageSize: number;
}) {
  const { query, concerns, initialPageSize } = options;
  const opsApi = useApi(opsApiRef);
  // The query is usually a fresh object on every render; its content is
  // what matters.
  const queryKey = JSON.stringify(query);
  // A page belongs to the query it was chosen for: new filters start over.
  const [paging, setPaging] = useState({ queryKey, page: 0 });
  const page = paging.queryKey === queryKey ? paging.page : 0;
  const [pageSize, setPageSize] = useState(initialPageSize);

  const state = useAsyncRetry(
    () =>
      opsApi.listIncidents({
        ...JSON.parse(queryKey),
        limit: pageSize,
        offset: page * pageSize,
      }),
    [opsApi, queryKey, page, pageSize],
  );
  useOpsPush(concerns, state.retry);

  return {
    ...state,
    page,
    pageSize,
    onPageChange: (nextPage: number, nextPageSize: number) => {
      setPaging({ queryKey, page: nextPage });
      setPageSize(nextPageSize);
    },
  };
}
