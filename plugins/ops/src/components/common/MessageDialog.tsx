import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';

/**
 * A confirmation with an optional message for the timeline: what the
 * incident and run action bars ask before they act.
 */
export const MessageDialog = (props: {
  /** Prefix of the element ids, unique on the page. */
  id: string;
  open: boolean;
  title: string;
  description: string;
  confirm: string;
  /** The label of the button that closes without acting. */
  back: string;
  message: string;
  onMessageChange: (message: string) => void;
  submitting: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) => {
  const { id, open, submitting, onClose } = props;
  return (
    <Dialog
      open={open}
      onClose={() => !submitting && onClose()}
      aria-labelledby={`${id}-title`}
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id={`${id}-title`}>{props.title}</DialogTitle>
      <DialogContent>
        <DialogContentText>{props.description}</DialogContentText>
        <TextField
          id={`${id}-message`}
          label="Message (optional)"
          value={props.message}
          onChange={event => props.onMessageChange(event.target.value)}
          multiline
          minRows={2}
          fullWidth
          variant="outlined"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={submitting}>
          {props.back}
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={props.onConfirm}
          disabled={submitting}
        >
          {props.confirm}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
