import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Page } from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { ColorChip, RelativeTime, useOpsPush } from '../common';

const AUDIENCE_TITLES: Record<Page['audience'], string> = {
  builder: 'builder',
  escalation: 'escalation',
};

const PageRow = (props: { page: Page }) => {
  const { page } = props;
  const { palette } = useTheme();
  return (
    <TableRow>
      <TableCell style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
        <RelativeTime value={page.sentAt} />
        {page.offHours && (
          <Box marginTop={0.5}>
            <ColorChip
              label="off-hours"
              aria-label="Off-hours"
              color={palette.warning.main}
              tooltip="Sent outside the recipients' working hours"
            />
          </Box>
        )}
      </TableCell>
      <TableCell style={{ verticalAlign: 'top' }}>
        <Chip
          size="small"
          variant="outlined"
          label={AUDIENCE_TITLES[page.audience] ?? page.audience}
          aria-label={`Audience ${page.audience}`}
        />
      </TableCell>
      <TableCell style={{ verticalAlign: 'top' }}>
        {page.recipients.map(recipient => (
          <Typography key={recipient} variant="body2">
            <EntityRefLink entityRef={recipient} defaultKind="group" />
          </Typography>
        ))}
      </TableCell>
      <TableCell style={{ verticalAlign: 'top' }}>
        <Box display="flex" flexWrap="wrap" gridGap={4}>
          {page.channels.map(channel => (
            <Chip key={channel} size="small" label={channel} />
          ))}
        </Box>
      </TableCell>
      <TableCell style={{ overflowWrap: 'anywhere', verticalAlign: 'top' }}>
        <Typography variant="body2">{page.message}</Typography>
        <Typography variant="caption" color="textSecondary">
          severity {page.severity}
        </Typography>
      </TableCell>
    </TableRow>
  );
};

/**
 * Who was paged for an incident, when, through which channels, and whether
 * outside their working hours. Refreshed with the incident, whose timeline
 * records every page.
 */
export const IncidentPages = (props: { incidentId: string }) => {
  const { incidentId } = props;
  const opsApi = useApi(opsApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => opsApi.listPages({ incidentId }),
    [opsApi, incidentId],
  );
  useOpsPush(
    message => message.type === 'incident' && message.incidentId === incidentId,
    retry,
  );

  if (!value) {
    if (loading) {
      return <Progress />;
    }
    return error ? <ResponseErrorPanel error={error} /> : null;
  }
  if (value.items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nobody was paged for this incident.
      </Typography>
    );
  }
  const sorted = [...value.items].sort(
    (a, b) => Date.parse(a.sentAt) - Date.parse(b.sentAt),
  );
  return (
    <Table size="small" aria-label="Pages">
      <TableHead>
        <TableRow>
          <TableCell>Sent</TableCell>
          <TableCell>Audience</TableCell>
          <TableCell>Recipients</TableCell>
          <TableCell>Channels</TableCell>
          <TableCell>Message</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {sorted.map(page => (
          <PageRow key={page.id} page={page} />
        ))}
      </TableBody>
    </Table>
  );
};
