import { useState } from 'react';
import { Link } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  DraftStatus,
  RunbookDraft,
  Signature,
  opsLearningReviewPermission,
} from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { opsApiRef } from '../../api';
import { incidentRouteRef } from '../../routes';
import {
  ColorChip,
  RelativeTime,
  formatDateTime,
  useOptionalRouteRef,
  useOwnerOrPermission,
} from '../common';
import { ResolutionActionItem } from '../Resolution';
import {
  AcceptDraftDialog,
  EditDraftDialog,
  RejectDraftDialog,
  SnoozeDraftDialog,
} from './DraftDialogs';
import { runbookToYaml } from './runbookYaml';

/** Where a draft is in its review: pending (blue), accepted, rejected, snoozed. */
export const DraftStatusChip = (props: { status: DraftStatus }) => {
  const { palette } = useTheme();
  const colors: Record<DraftStatus, string> = {
    pending: palette.info.main,
    accepted: palette.success.main,
    rejected: palette.grey[500],
    snoozed: palette.warning.main,
  };
  return (
    <ColorChip
      label={props.status}
      aria-label={`Draft ${props.status}`}
      color={colors[props.status] ?? palette.grey[500]}
    />
  );
};

/** What the drafted runbook matches: the signal names and stable labels of its signature. */
export const SignatureView = (props: { signature: Signature }) => {
  const { signature } = props;
  const labels = Object.entries(signature.labels);
  return (
    <Box aria-label="Signature" role="group">
      <Typography variant="body2">
        {signature.scope === 'type' ? (
          <>
            Every <code>{signature.subject}</code> (fleet-wide)
          </>
        ) : (
          <EntityRefLink entityRef={signature.subject} />
        )}
        {' · '}
        {signature.layer} layer
      </Typography>
      <Box display="flex" flexWrap="wrap" gridGap={4} marginTop={0.5}>
        {signature.names.map(name => (
          <Chip
            key={name}
            size="small"
            color="primary"
            variant="outlined"
            label={name}
            aria-label={`Signal ${name}`}
          />
        ))}
        {labels.map(([key, value]) => (
          <Chip
            key={key}
            size="small"
            variant="outlined"
            label={`${key}=${value}`}
          />
        ))}
        {labels.length === 0 && (
          <Typography variant="caption" color="textSecondary">
            no stable labels
          </Typography>
        )}
      </Box>
    </Box>
  );
};

/** The incidents a draft came from, each linked to its page. */
const Provenance = (props: { draft: RunbookDraft }) => {
  const incidentLink = useOptionalRouteRef(incidentRouteRef);
  const { incidentIds, actions } = props.draft.provenance;
  return (
    <Box>
      <Typography variant="body2" component="div">
        Drafted from {incidentIds.length}{' '}
        {incidentIds.length === 1 ? 'incident' : 'incidents'} resolved the same
        way:{' '}
        <Box
          component="ul"
          aria-label="Incidents"
          display="inline-flex"
          flexWrap="wrap"
          gridGap={8}
          margin={0}
          padding={0}
          style={{ listStyle: 'none' }}
        >
          {incidentIds.map(id => (
            <li key={id}>
              {incidentLink ? (
                <Link to={incidentLink({ id })}>{id}</Link>
              ) : (
                <code>{id}</code>
              )}
            </li>
          ))}
        </Box>
      </Typography>
      {actions.length > 0 && (
        <Box
          component="ol"
          aria-label="Shared actions"
          margin={0}
          paddingLeft={3}
        >
          {actions.map((action, index) => (
            <li key={index}>
              <ResolutionActionItem action={action} />
            </li>
          ))}
        </Box>
      )}
    </Box>
  );
};

type Decision = 'edit' | 'accept' | 'reject' | 'snooze';

/**
 * One runbook draft of the learning loop for its owner to review: what it
 * matches, where it came from, what is still manual, the runbook as YAML,
 * and Edit, Accept, Reject and Snooze for those who may review it.
 * `onChanged` runs after every decision the backend took.
 */
export const DraftReview = (props: {
  draft: RunbookDraft;
  onChanged: () => void;
  /** Names the entity, where drafts of several entities are listed. */
  showEntity?: boolean;
}) => {
  const { draft, onChanged } = props;
  const opsApi = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const canReview = useOwnerOrPermission(
    draft.owner,
    opsLearningReviewPermission,
  );
  const [decision, setDecision] = useState<Decision>();
  const open = draft.status === 'pending' || draft.status === 'snoozed';
  const headingId = `ops-draft-${draft.id}-title`;

  const done = (message: string) => {
    alertApi.post({ message, severity: 'success', display: 'transient' });
    onChanged();
  };
  const close = () => setDecision(undefined);

  return (
    <Box
      component="article"
      aria-labelledby={headingId}
      display="flex"
      flexDirection="column"
      gridGap={12}
    >
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
        <Typography variant="h6" component="h3" id={headingId}>
          {draft.runbook.title}
        </Typography>
        <DraftStatusChip status={draft.status} />
      </Box>
      <Typography variant="body2" color="textSecondary">
        <code>{draft.runbook.id}</code>
        {props.showEntity && (
          <>
            {' '}
            for <EntityRefLink entityRef={draft.entityRef} />
          </>
        )}{' '}
        · reviewed by{' '}
        <EntityRefLink entityRef={draft.owner} defaultKind="group" /> · drafted{' '}
        <RelativeTime value={draft.createdAt} />
        {draft.decidedBy && (
          <>
            {' '}
            · decided by{' '}
            <EntityRefLink entityRef={draft.decidedBy} defaultKind="user" />
          </>
        )}
      </Typography>
      {draft.status === 'rejected' && draft.reason && (
        <Typography variant="body2">Rejected: {draft.reason}</Typography>
      )}
      {draft.status === 'snoozed' && (
        <Typography variant="body2">
          Snoozed
          {draft.snoozedUntil && (
            <> until {formatDateTime(draft.snoozedUntil)}</>
          )}
          {draft.reason && <>: {draft.reason}</>}
        </Typography>
      )}

      <SignatureView signature={draft.signature} />
      <Provenance draft={draft} />

      {draft.manualSteps.length > 0 && (
        <Alert severity="warning" aria-label="Manual steps">
          <AlertTitle>
            {draft.manualSteps.length === 1
              ? 'One step is still manual'
              : `${draft.manualSteps.length} steps are still manual`}
          </AlertTitle>
          People described {draft.manualSteps.length === 1 ? 'it' : 'them'} in
          words; the runbook cannot do{' '}
          {draft.manualSteps.length === 1 ? 'it' : 'them'}. Edit the draft to
          turn {draft.manualSteps.length === 1 ? 'it' : 'them'} into actions, or
          keep a person in the loop.
          <ul style={{ margin: 0, paddingLeft: 16 }}>
            {draft.manualSteps.map((step, index) => (
              <li key={index}>{step}</li>
            ))}
          </ul>
        </Alert>
      )}

      <Box
        component="pre"
        aria-label={`Runbook YAML of ${draft.runbook.title}`}
        margin={0}
        padding={1.5}
        fontSize="0.8rem"
        bgcolor="background.default"
        borderRadius={4}
        overflow="auto"
        maxHeight={360}
      >
        {runbookToYaml(draft.runbook)}
      </Box>

      {open && canReview && (
        <Box
          display="flex"
          flexWrap="wrap"
          gridGap={8}
          role="group"
          aria-label={`Review ${draft.runbook.title}`}
        >
          <Button
            variant="contained"
            color="primary"
            onClick={() => setDecision('accept')}
          >
            Accept
          </Button>
          <Button variant="outlined" onClick={() => setDecision('edit')}>
            Edit
          </Button>
          <Button variant="outlined" onClick={() => setDecision('snooze')}>
            Snooze
          </Button>
          <Button variant="outlined" onClick={() => setDecision('reject')}>
            Reject
          </Button>
        </Box>
      )}

      {decision === 'accept' && (
        <AcceptDraftDialog
          open
          draft={draft}
          onClose={close}
          onAccept={async () => {
            const { runbook } = await opsApi.acceptDraft(draft.id);
            done(
              `Accepted: ${runbook.runbook.title} is active as version ${runbook.version}`,
            );
          }}
        />
      )}
      {decision === 'edit' && (
        <EditDraftDialog
          open
          draft={draft}
          onClose={close}
          onSave={async runbook => {
            await opsApi.updateDraft(draft.id, runbook);
            done('Draft saved');
          }}
        />
      )}
      {decision === 'reject' && (
        <RejectDraftDialog
          open
          draft={draft}
          onClose={close}
          onReject={async reason => {
            await opsApi.rejectDraft(draft.id, reason);
            done('Draft rejected');
          }}
        />
      )}
      {decision === 'snooze' && (
        <SnoozeDraftDialog
          open
          draft={draft}
          onClose={close}
          onSnooze={async (reason, until) => {
            await opsApi.snoozeDraft(draft.id, { reason, until });
            done(`Draft snoozed until ${formatDateTime(until)}`);
          }}
        />
      )}
    </Box>
  );
};
