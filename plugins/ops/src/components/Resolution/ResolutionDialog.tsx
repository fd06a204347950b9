import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { ResolutionInput } from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { opsApiRef } from '../../api';
import { RefusalAlert } from '../common';
import { ResolutionForm } from './ResolutionForm';
import {
  EMPTY_RESOLUTION_FORM,
  ResolutionErrors,
  ResolutionFormState,
  toResolutionInput,
} from './resolutionForm';

/**
 * A dialog asking how the incident was resolved. Nothing is sent until the
 * resolution passes the suite's schema; what the backend refuses stays in
 * the dialog with the form, so nothing typed is lost.
 */
export const ResolutionDialog = (props: {
  open: boolean;
  title: string;
  description: string;
  submitLabel: string;
  /** Also asks for a message for the timeline. */
  withMessage?: boolean;
  onSubmit: (resolution: ResolutionInput, message?: string) => Promise<void>;
  onClose: () => void;
}) => {
  const { open, withMessage, onSubmit, onClose } = props;
  const opsApi = useApi(opsApiRef);
  const [form, setForm] = useState<ResolutionFormState>(EMPTY_RESOLUTION_FORM);
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState<ResolutionErrors>();

  const registry = useAsync(
    async () => (open ? (await opsApi.listActions()).actions : []),
    [opsApi, open],
  );
  const actions = registry.value ?? [];

  const [submission, submit] = useAsyncFn(async () => {
    const checked = toResolutionInput(form, actions);
    setErrors(checked.errors);
    if (!checked.resolution) {
      return false;
    }
    await onSubmit(checked.resolution, message.trim() || undefined);
    setForm(EMPTY_RESOLUTION_FORM);
    setMessage('');
    return true;
  }, [form, actions, message, onSubmit]);

  const submitting = submission.loading;
  const idPrefix = 'ops-resolution-dialog';
  return (
    <Dialog
      open={open}
      onClose={() => !submitting && onClose()}
      aria-labelledby={`${idPrefix}-title`}
      fullWidth
      maxWidth="md"
    >
      <DialogTitle id={`${idPrefix}-title`}>{props.title}</DialogTitle>
      <DialogContent>
        <DialogContentText>{props.description}</DialogContentText>
        {registry.loading && <LinearProgress aria-label="Loading actions" />}
        {registry.error && (
          <Alert severity="warning" style={{ marginBottom: 16 }}>
            The action registry could not be read ({registry.error.message}):
            describe the actions in words.
          </Alert>
        )}
        <ResolutionForm
          value={form}
          onChange={setForm}
          actions={actions}
          errors={errors}
        />
        {withMessage && (
          <Box marginTop={2}>
            <TextField
              id={`${idPrefix}-message`}
              label="Message for the timeline (optional)"
              value={message}
              onChange={event => setMessage(event.target.value)}
              multiline
              rows={2}
              fullWidth
              variant="outlined"
            />
          </Box>
        )}
        {errors && (
          <Alert severity="error" style={{ marginTop: 16 }}>
            The resolution is not complete yet: see the fields marked above.
          </Alert>
        )}
        {submission.error && (
          <Box marginTop={2}>
            <RefusalAlert
              error={submission.error}
              title="The backend refused the resolution"
              allowedHint="Resolving needs the permission ops.incident.update."
            />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={submitting}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={() => submit()}
          disabled={submitting}
        >
          {props.submitLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
