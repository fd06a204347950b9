import { assertError } from '@backstage/errors';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { opsRunbookRefreshPermission } from '@operable/backstage-plugin-ops-common';
import Button from '@material-ui/core/Button';
import RefreshIcon from '@material-ui/icons/Refresh';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { opsApiRef } from '../../api';

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * Reloads every runbook file now, for those allowed to; `onRefreshed` runs
 * once the backend has reloaded them.
 */
export const RefreshRunbooksButton = (props: { onRefreshed: () => void }) => {
  const { onRefreshed } = props;
  const opsApi = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const { allowed } = usePermission({
    permission: opsRunbookRefreshPermission,
  });

  const [{ loading }, refresh] = useAsyncFn(async () => {
    try {
      const result = await opsApi.refreshRunbooks();
      alertApi.post({
        message: `Runbooks reloaded: ${plural(
          result.runbooks,
          'runbook',
          'runbooks',
        )}, ${plural(result.problems.length, 'problem', 'problems')}`,
        severity: result.problems.length > 0 ? 'warning' : 'success',
        display: 'transient',
      });
    } catch (error) {
      assertError(error);
      alertApi.post({
        message: `Could not reload the runbooks: ${error.message}`,
        severity: 'error',
      });
      return;
    }
    onRefreshed();
  }, [opsApi, alertApi, onRefreshed]);

  if (!allowed) {
    return null;
  }
  return (
    <Button
      variant="outlined"
      size="small"
      startIcon={<RefreshIcon />}
      onClick={() => refresh()}
      disabled={loading}
    >
      Refresh
    </Button>
  );
};
