import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  RunbookLifecycle,
  RunbookSummary,
  opsRunbookManagePermission,
} from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { opsApiRef } from '../../api';
import {
  ColorChip,
  RefusalAlert,
  formatDateTime,
  formatRelative,
  messageOf,
  statusOf,
  useOwnerOrPermission,
} from '../common';

/** Runbooks accepted from drafts of the learning loop live in the database. */
export function isStored(summary: RunbookSummary): boolean {
  return summary.origin === 'database';
}

/** "learned": the runbook came from resolutions, not from a file. */
export const LearnedChip = () => {
  const { palette } = useTheme();
  return (
    <ColorChip
      label="learned"
      aria-label="Learned"
      color={palette.secondary.light}
      tooltip="Accepted from a draft of the learning loop; kept and versioned in the database"
    />
  );
};

/** The stale flag, with when the runbook last matched an incident. */
export const StaleFlag = (props: {
  summary: Pick<RunbookSummary, 'stale' | 'lastMatchedAt'>;
}) => {
  const { stale, lastMatchedAt } = props.summary;
  const { palette } = useTheme();
  const matched = lastMatchedAt
    ? `last matched ${formatRelative(lastMatchedAt)}`
    : 'never matched';
  if (!stale) {
    return lastMatchedAt ? (
      <Typography
        variant="caption"
        color="textSecondary"
        title={formatDateTime(lastMatchedAt)}
      >
        {matched}
      </Typography>
    ) : null;
  }
  return (
    <Box display="inline-flex" alignItems="center" gridGap={4}>
      <ColorChip
        label="stale"
        aria-label="Stale"
        color={palette.warning.main}
        tooltip="No incident matched it for longer than the configured period: retire it, or check its match"
      />
      <Typography variant="caption" color="textSecondary">
        {matched}
      </Typography>
    </Box>
  );
};

const LIFECYCLE_MOVES: Record<
  RunbookLifecycle,
  Array<{ to: RunbookLifecycle; label: string; done: string }>
> = {
  draft: [],
  active: [
    { to: 'deprecated', label: 'Deprecate', done: 'deprecated' },
    { to: 'retired', label: 'Retire', done: 'retired' },
  ],
  deprecated: [
    { to: 'active', label: 'Reactivate', done: 'active again' },
    { to: 'retired', label: 'Retire', done: 'retired' },
  ],
  // A retired runbook never runs again; a new one takes its place.
  retired: [],
};

/** Saves text as a file in the browser's downloads. */
function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/yaml' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.click();
  URL.revokeObjectURL(url);
}

/** The stored runbook as the YAML file to commit, to read and download. */
const ExportDialog = (props: {
  runbookId: string;
  title: string;
  onClose: () => void;
}) => {
  const { runbookId } = props;
  const opsApi = useApi(opsApiRef);
  const { value, loading, error } = useAsync(
    () => opsApi.exportStoredRunbook(runbookId),
    [opsApi, runbookId],
  );
  const titleId = `ops-runbook-export-${runbookId}`;
  return (
    <Dialog
      open
      onClose={props.onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="md"
    >
      <DialogTitle id={titleId}>Export {props.title}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Commit this file to a runbooks folder to keep the runbook with the
          code; the file then replaces the stored version.
        </DialogContentText>
        {loading && <LinearProgress aria-label="Loading the YAML" />}
        {error && (
          <RefusalAlert error={error} title="Could not export the runbook" />
        )}
        {value !== undefined && (
          <Box
            component="pre"
            aria-label={`YAML of ${runbookId}`}
            margin={0}
            padding={1.5}
            fontSize="0.8rem"
            bgcolor="background.default"
            borderRadius={4}
            overflow="auto"
            maxHeight={480}
          >
            {value}
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={value === undefined}
          onClick={() =>
            value !== undefined && download(`${runbookId}.yaml`, value)
          }
        >
          Download {runbookId}.yaml
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/**
 * Export YAML, and the lifecycle moves (deprecate, retire, reactivate) for
 * the runbook's owner and those allowed `ops.runbook.manage`.
 */
export const StoredRunbookActions = (props: {
  summary: RunbookSummary;
  onChanged: () => void;
}) => {
  const { runbook } = props.summary;
  const { onChanged } = props;
  const opsApi = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const canManage = useOwnerOrPermission(
    runbook.owner,
    opsRunbookManagePermission,
  );
  const [exporting, setExporting] = useState(false);
  const [{ loading }, move] = useAsyncFn(
    async (to: RunbookLifecycle, done: string) => {
      try {
        const stored = await opsApi.setStoredRunbookLifecycle(runbook.id, to);
        alertApi.post({
          message: `${runbook.title} is ${done} (version ${stored.version})`,
          severity: 'success',
          display: 'transient',
        });
      } catch (error) {
        const refused =
          statusOf(error) === 403
            ? `not allowed: only the owner of the runbook (${runbook.owner}) or someone allowed ops.runbook.manage may change its lifecycle. `
            : '';
        alertApi.post({
          message: `Could not change ${
            runbook.title
          } to ${to}: ${refused}${messageOf(error)}`,
          severity: 'error',
        });
        return;
      }
      onChanged();
    },
    [opsApi, alertApi, runbook.id, runbook.title, runbook.owner, onChanged],
  );

  return (
    <>
      <Button size="small" onClick={() => setExporting(true)}>
        Export YAML
      </Button>
      {canManage &&
        LIFECYCLE_MOVES[runbook.lifecycle]?.map(each => (
          <Button
            key={each.to}
            size="small"
            disabled={loading}
            onClick={() => move(each.to, each.done)}
          >
            {each.label}
          </Button>
        ))}
      {exporting && (
        <ExportDialog
          runbookId={runbook.id}
          title={runbook.title}
          onClose={() => setExporting(false)}
        />
      )}
    </>
  );
};
