import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { LoadReport } from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Theme, useTheme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { isSameEntity, useOpsPush } from '../common';
import { WeekBars, WeeklyBars, formatWeek } from '../charts';
import { SignatureView } from '../RunbookDrafts';

/** Per week: the debt that came in (novel, systemic) beside what the agent absorbed. */
export function loadWeeks(report: LoadReport, theme: Theme): WeekBars[] {
  const { palette } = theme;
  return report.weeks.map(week => ({
    weekStart: week.weekStart,
    bars: [
      {
        label: 'new debt',
        parts: [
          { label: 'novel', value: week.novel, color: palette.warning.main },
          {
            label: 'systemic',
            value: week.systemic,
            color: palette.error.main,
          },
        ],
      },
      {
        label: 'absorbed',
        parts: [
          {
            label: 'self-healed',
            value: week.selfHealed,
            color: palette.success.main,
          },
          { label: 'promoted', value: week.promoted, color: palette.info.main },
        ],
      },
    ],
  }));
}

/** The flag that says the team is drowning, naming what keeps coming back. */
export const DrowningFlag = (props: {
  drowning: NonNullable<LoadReport['drowning']>;
  subjectIsGroup: boolean;
}) => {
  const { drowning, subjectIsGroup } = props;
  return (
    <Alert severity="error" aria-label="Drowning">
      <AlertTitle>
        Drowning: for {drowning.weeks} weeks in a row, operational debt grew
        faster than the ops agent absorbed it
      </AlertTitle>
      <Typography variant="body2" paragraph>
        {subjectIsGroup ? 'The team is' : 'The builders are'} resolving the same
        failures by hand. Resolve them with structured resolutions so they
        become runbooks, or simplify what keeps breaking. These keep coming
        back:
      </Typography>
      <Box
        component="ol"
        aria-label="Recurring signatures"
        margin={0}
        paddingLeft={2.5}
      >
        {drowning.recurring.map(({ signature, incidents }) => (
          <li key={signature.key} style={{ marginBottom: 8 }}>
            <Typography variant="body2" component="div">
              {incidents} {incidents === 1 ? 'incident' : 'incidents'}
            </Typography>
            <SignatureView signature={signature} />
          </li>
        ))}
      </Box>
    </Alert>
  );
};

function percent(share: number | undefined): string {
  return share === undefined ? '–' : `${Math.round(share * 100)}%`;
}

const LoadTable = (props: { report: LoadReport }) => (
  <Box overflow="auto">
    <Table size="small" aria-label="Load per week">
      <TableHead>
        <TableRow>
          <TableCell>Week of</TableCell>
          <TableCell align="right">Novel</TableCell>
          <TableCell align="right">Systemic</TableCell>
          <TableCell align="right">Self-healed</TableCell>
          <TableCell align="right">Runbooks promoted</TableCell>
          <TableCell align="right">Absorbed</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.report.weeks.map(week => (
          <TableRow key={week.weekStart}>
            <TableCell component="th" scope="row">
              {formatWeek(week.weekStart)}
            </TableCell>
            <TableCell align="right">{week.novel}</TableCell>
            <TableCell align="right">{week.systemic}</TableCell>
            <TableCell align="right">{week.selfHealed}</TableCell>
            <TableCell align="right">{week.promoted}</TableCell>
            <TableCell align="right">{percent(week.absorbedShare)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  </Box>
);

/**
 * Whether the team (on a Group) or the builders of the entity are drowning:
 * novel and systemic incidents per week against what the ops agent absorbed
 * (self-healed incidents, runbooks promoted from drafts), and the flag that
 * names the signatures that keep coming back.
 *
 * @public
 */
export const LoadCard = () => {
  const { entity } = useEntity();
  const theme = useTheme();
  const opsApi = useApi(opsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const isGroup = entity.kind.toLocaleLowerCase('en-US') === 'group';
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      isGroup
        ? opsApi.getGroupLoad(entityRef)
        : opsApi.getEntityLoad(entityRef),
    [opsApi, entityRef, isGroup],
  );
  useOpsPush(
    message =>
      // A group's load rolls up every entity it owns: it refreshes on reload.
      !isGroup &&
      (message.type === 'incident' || message.type === 'learning') &&
      isSameEntity(message.entityRef, entityRef),
    retry,
  );

  let content;
  if (value) {
    content = (
      <Box display="flex" flexDirection="column" gridGap={16}>
        {value.drowning && (
          <DrowningFlag drowning={value.drowning} subjectIsGroup={isGroup} />
        )}
        {value.weeks.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No incident in the window yet: nothing to weigh.
          </Typography>
        ) : (
          <>
            {!value.drowning && (
              <Typography variant="body2">
                Not drowning: the ops agent keeps up with the debt that comes
                in.
              </Typography>
            )}
            <WeeklyBars
              weeks={loadWeeks(value, theme)}
              label="New debt against absorbed, per week"
            />
            <LoadTable report={value} />
          </>
        )}
      </Box>
    );
  } else if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  }

  return (
    <InfoCard
      title="Load"
      subheader={
        isGroup
          ? 'Novel incidents of the entities this team owns against what their ops agents absorbed'
          : 'Novel incidents of this entity against what its ops agent absorbed'
      }
    >
      {content}
    </InfoCard>
  );
};
