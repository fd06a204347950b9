import { useState } from 'react';
import { assertError } from '@backstage/errors';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { opsApiRef } from '../../api';

/** Adds a note to the timeline; `onAdded` runs once the backend has it. */
export const NoteBox = (props: { incidentId: string; onAdded: () => void }) => {
  const { incidentId, onAdded } = props;
  const opsApi = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const [note, setNote] = useState('');

  const [{ loading }, addNote] = useAsyncFn(async () => {
    try {
      await opsApi.addIncidentNote(incidentId, note.trim());
    } catch (error) {
      assertError(error);
      alertApi.post({
        message: `Could not add the note: ${error.message}`,
        severity: 'error',
      });
      return;
    }
    setNote('');
    onAdded();
  }, [opsApi, alertApi, incidentId, note, onAdded]);

  return (
    <Box
      component="form"
      display="flex"
      flexDirection="column"
      alignItems="flex-end"
      gridGap={8}
      marginTop={2}
      onSubmit={(event: { preventDefault: () => void }) => {
        event.preventDefault();
        addNote();
      }}
    >
      <TextField
        id="ops-incident-note"
        label="Add a note"
        placeholder="What you found, what you tried"
        value={note}
        onChange={event => setNote(event.target.value)}
        multiline
        minRows={2}
        fullWidth
        variant="outlined"
      />
      <Button
        type="submit"
        variant="outlined"
        color="primary"
        disabled={loading || note.trim() === ''}
      >
        Add note
      </Button>
    </Box>
  );
};
