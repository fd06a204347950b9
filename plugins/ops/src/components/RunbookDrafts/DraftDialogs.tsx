import { ReactNode, useState } from 'react';
import {
  RunbookDefinition,
  RunbookDraft,
} from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { RefusalAlert } from '../common';
import {
  RunbookYamlProblem,
  describeProblem,
  parseRunbookYaml,
  runbookToYaml,
} from './runbookYaml';

/** Who may review a draft, for the message of a 403. */
export function reviewHint(draft: RunbookDraft): string {
  return `Only the owner of ${draft.entityRef} (${draft.owner}) or someone allowed ops.learning.review may review its drafts.`;
}

/**
 * A dialog for one decision on a draft. `run` returns false when the input
 * is not complete yet; what it throws (the backend's refusal) is shown in
 * the dialog, which keeps what was typed.
 */
const DecisionDialog = (props: {
  open: boolean;
  id: string;
  title: string;
  description: ReactNode;
  submitLabel: string;
  draft: RunbookDraft;
  errorTitle: string;
  run: () => Promise<boolean>;
  onClose: () => void;
  children?: ReactNode;
  maxWidth?: 'sm' | 'md' | 'lg';
}) => {
  const { open, id, run, onClose } = props;
  const [state, submit] = useAsyncFn(async () => {
    if (await run()) {
      onClose();
    }
  }, [run, onClose]);
  return (
    <Dialog
      open={open}
      onClose={() => !state.loading && onClose()}
      aria-labelledby={`${id}-title`}
      fullWidth
      maxWidth={props.maxWidth ?? 'sm'}
    >
      <DialogTitle id={`${id}-title`}>{props.title}</DialogTitle>
      <DialogContent>
        <DialogContentText component="div">
          {props.description}
        </DialogContentText>
        {props.children}
        {state.error && (
          <Box marginTop={2}>
            <RefusalAlert
              error={state.error}
              title={props.errorTitle}
              allowedHint={reviewHint(props.draft)}
            />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={state.loading}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={() => submit()}
          disabled={state.loading}
        >
          {props.submitLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/** Accepting makes the runbook active: say so before it happens. */
export const AcceptDraftDialog = (props: {
  open: boolean;
  draft: RunbookDraft;
  onAccept: () => Promise<void>;
  onClose: () => void;
}) => {
  const { draft } = props;
  return (
    <DecisionDialog
      open={props.open}
      id="ops-draft-accept"
      title="Accept the draft"
      description={
        <>
          <strong>{draft.runbook.title}</strong> becomes an active runbook,
          stored and versioned: the ops agent runs it for the next incident that
          matches, instead of paging the builder.
        </>
      }
      submitLabel="Accept"
      draft={draft}
      errorTitle="Could not accept the draft"
      run={async () => {
        await props.onAccept();
        return true;
      }}
      onClose={props.onClose}
    >
      {draft.manualSteps.length > 0 && (
        <Alert severity="warning">
          The runbook will not do the {draft.manualSteps.length} manual{' '}
          {draft.manualSteps.length === 1 ? 'step' : 'steps'}: edit the draft
          first to turn them into actions.
        </Alert>
      )}
    </DecisionDialog>
  );
};

export const RejectDraftDialog = (props: {
  open: boolean;
  draft: RunbookDraft;
  onReject: (reason: string) => Promise<void>;
  onClose: () => void;
}) => {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  return (
    <DecisionDialog
      open={props.open}
      id="ops-draft-reject"
      title="Reject the draft"
      description="Say why: the reason stays with the draft, and the learning loop does not draft the same runbook again."
      submitLabel="Reject"
      draft={props.draft}
      errorTitle="Could not reject the draft"
      run={async () => {
        const trimmed = reason.trim();
        setMissing(trimmed === '');
        if (trimmed === '') {
          return false;
        }
        await props.onReject(trimmed);
        return true;
      }}
      onClose={props.onClose}
    >
      <TextField
        id="ops-draft-reject-reason"
        label="Reason"
        required
        value={reason}
        onChange={event => setReason(event.target.value)}
        error={missing}
        helperText={missing ? 'A rejection needs a reason' : undefined}
        multiline
        rows={2}
        fullWidth
        variant="outlined"
      />
    </DecisionDialog>
  );
};

/** The date as the date field holds it (`YYYY-MM-DD`), in local time. */
function dateInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(
    date.getDate(),
  )}`;
}

/** What is wrong with the date a snooze ends, if anything. */
function snoozeDateProblem(until: Date | undefined): string | undefined {
  if (!until || Number.isNaN(until.getTime())) {
    return 'Pick the date it comes back';
  }
  return until.getTime() <= Date.now() ? 'Pick a date after today' : undefined;
}

export const SnoozeDraftDialog = (props: {
  open: boolean;
  draft: RunbookDraft;
  onSnooze: (reason: string, until: string) => Promise<void>;
  onClose: () => void;
}) => {
  const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000);
  const [reason, setReason] = useState('');
  const [date, setDate] = useState('');
  const [problems, setProblems] = useState<{ reason?: string; date?: string }>(
    {},
  );
  return (
    <DecisionDialog
      open={props.open}
      id="ops-draft-snooze"
      title="Snooze the draft"
      description="Put the draft aside until a date, e.g. until a migration lands; it comes back to the queue then."
      submitLabel="Snooze"
      draft={props.draft}
      errorTitle="Could not snooze the draft"
      run={async () => {
        const trimmed = reason.trim();
        // Midnight at the start of the chosen day, where the reviewer is.
        const until = date ? new Date(`${date}T00:00:00`) : undefined;
        const found = {
          reason: trimmed === '' ? 'A snooze needs a reason' : undefined,
          date: snoozeDateProblem(until),
        };
        setProblems(found);
        if (found.reason || found.date || !until) {
          return false;
        }
        await props.onSnooze(trimmed, until.toISOString());
        return true;
      }}
      onClose={props.onClose}
    >
      <Box display="flex" flexDirection="column" gridGap={16}>
        <TextField
          id="ops-draft-snooze-reason"
          label="Reason"
          required
          value={reason}
          onChange={event => setReason(event.target.value)}
          error={Boolean(problems.reason)}
          helperText={problems.reason}
          multiline
          rows={2}
          fullWidth
          variant="outlined"
        />
        <TextField
          id="ops-draft-snooze-until"
          label="Until"
          type="date"
          required
          value={date}
          onChange={event => setDate(event.target.value)}
          error={Boolean(problems.date)}
          helperText={problems.date}
          InputLabelProps={{ shrink: true }}
          inputProps={{ min: dateInputValue(tomorrow) }}
          variant="outlined"
        />
      </Box>
    </DecisionDialog>
  );
};

/**
 * The drafted runbook as YAML to edit. The text is parsed and checked with
 * the runbook schema before it is sent; problems show with their lines.
 */
export const EditDraftDialog = (props: {
  open: boolean;
  draft: RunbookDraft;
  onSave: (runbook: RunbookDefinition) => Promise<void>;
  onClose: () => void;
}) => {
  const { draft } = props;
  const [text, setText] = useState(() => runbookToYaml(draft.runbook));
  const [problems, setProblems] = useState<RunbookYamlProblem[]>([]);
  return (
    <DecisionDialog
      open={props.open}
      id="ops-draft-edit"
      title="Edit the draft"
      description="The runbook as YAML, as it will be stored and exported. It is checked against the runbook schema before it is saved."
      submitLabel="Save"
      draft={draft}
      errorTitle="Could not save the draft"
      maxWidth="md"
      run={async () => {
        const parsed = parseRunbookYaml(text);
        setProblems(parsed.problems);
        if (!parsed.runbook) {
          return false;
        }
        await props.onSave(parsed.runbook);
        return true;
      }}
      onClose={props.onClose}
    >
      <TextField
        id="ops-draft-edit-yaml"
        label="Runbook (YAML)"
        value={text}
        onChange={event => setText(event.target.value)}
        multiline
        rows={18}
        fullWidth
        variant="outlined"
        inputProps={{
          spellCheck: false,
          style: { fontFamily: 'monospace', fontSize: '0.85rem' },
        }}
      />
      {problems.length > 0 && (
        <Box marginTop={2}>
          <Alert severity="error" aria-label="Runbook problems">
            <AlertTitle>
              {problems.length === 1
                ? 'The runbook has a problem'
                : `The runbook has ${problems.length} problems`}
            </AlertTitle>
            <ul style={{ margin: 0, paddingLeft: 16 }}>
              {problems.map((problem, index) => (
                <li key={index}>{describeProblem(problem)}</li>
              ))}
            </ul>
          </Alert>
        </Box>
      )}
    </DecisionDialog>
  );
};
