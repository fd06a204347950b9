import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';

/**
 * The teams that are drowning, for the platform team on the Ops page. It is
 * a callout, not a page of its own: it says nothing when nobody drowns, nor
 * when the user may not read load reports.
 */
export const DrowningCallout = () => {
  const opsApi = useApi(opsApiRef);
  // Async, so that a backend without the call rejects instead of throwing.
  const { value } = useAsync(async () => opsApi.listDrowning(), [opsApi]);
  const drowning = (value?.items ?? []).filter(report => report.drowning);
  if (drowning.length === 0) {
    return null;
  }
  return (
    <Box marginBottom={2}>
      <Alert severity="warning" aria-label="Drowning teams">
        <AlertTitle>
          {drowning.length === 1
            ? '1 team is drowning'
            : `${drowning.length} teams are drowning`}
          : operational debt grows faster than their ops agents absorb it
        </AlertTitle>
        <Box component="ul" margin={0} paddingLeft={2.5}>
          {drowning.map(report => {
            const recurring = report.drowning?.recurring ?? [];
            return (
              <li key={report.subject}>
                <Typography variant="body2" component="span">
                  <EntityRefLink
                    entityRef={report.subject}
                    defaultKind="group"
                  />{' '}
                  for {report.drowning?.weeks} weeks
                  {recurring.length > 0 && (
                    <>
                      ; coming back:{' '}
                      {recurring
                        .slice(0, 3)
                        .map(
                          ({ signature, incidents }) =>
                            `${signature.names.join(', ')} (${incidents})`,
                        )
                        .join('; ')}
                    </>
                  )}
                </Typography>
              </li>
            );
          })}
        </Box>
      </Alert>
    </Box>
  );
};
