import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { messageOf, statusOf } from './errors';

/**
 * What the backend refused, in words: a 403 says who may do it instead of a
 * bare "NotAllowedError", anything else gives the backend's message.
 */
export const RefusalAlert = (props: {
  error: unknown;
  /** What was tried, e.g. "Could not accept the draft". */
  title: string;
  /** Who may do it, for a 403. */
  allowedHint?: string;
}) => {
  const { error, title, allowedHint } = props;
  const status = statusOf(error);
  return (
    <Alert severity="error" role="alert">
      <AlertTitle>
        {status === 403 ? `${title}: not allowed` : title}
      </AlertTitle>
      {status === 403 && allowedHint ? `${allowedHint} ` : ''}
      {messageOf(error)}
    </Alert>
  );
};
