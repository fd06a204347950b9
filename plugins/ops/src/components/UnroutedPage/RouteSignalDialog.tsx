import { useState } from 'react';
import { assertError } from '@backstage/errors';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Signal } from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { opsApiRef } from '../../api';
import { EntityRefField } from './EntityRefField';
import { LabelChips } from './LabelChips';
import {
  entityRefProblem,
  selectorProblem,
  suggestSelector,
} from './selectors';

/**
 * Routes one unrouted signal to an entity and, when asked, remembers a
 * selector so that future signals like it route there on their own.
 */
export const RouteSignalDialog = (props: {
  signal: Signal;
  onClose: () => void;
  onRouted: () => void;
}) => {
  const { signal, onClose, onRouted } = props;
  const opsApi = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const [entityRef, setEntityRef] = useState('');
  const [touched, setTouched] = useState(false);
  const suggested = suggestSelector(signal.labels);
  const [remember, setRemember] = useState(false);
  const [selector, setSelector] = useState(suggested);

  const entityError = entityRefProblem(entityRef);
  const selectorError = remember ? selectorProblem(selector) : undefined;

  const [{ loading }, route] = useAsyncFn(async () => {
    try {
      const { routed } = await opsApi.routeUnrouted(signal.id, {
        entityRef: entityRef.trim(),
        selector: remember ? selector.trim() : undefined,
      });
      alertApi.post({
        message: `Routed ${routed} ${
          routed === 1 ? 'signal' : 'signals'
        } to ${entityRef.trim()}`,
        severity: 'success',
        display: 'transient',
      });
    } catch (error) {
      assertError(error);
      alertApi.post({
        message: `Could not route the signal: ${error.message}`,
        severity: 'error',
      });
      return;
    }
    onRouted();
  }, [opsApi, alertApi, signal.id, entityRef, remember, selector, onRouted]);

  return (
    <Dialog
      open
      onClose={() => !loading && onClose()}
      aria-labelledby="ops-route-signal-title"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="ops-route-signal-title">Route to entity</DialogTitle>
      <DialogContent>
        <DialogContentText>
          <strong>{signal.name}</strong> from {signal.source}
          {signal.summary ? `: ${signal.summary}` : ''}
        </DialogContentText>
        <LabelChips labels={signal.labels} />
        <EntityRefField
          value={entityRef}
          onChange={value => {
            setEntityRef(value);
            setTouched(true);
          }}
          error={touched ? entityError : undefined}
        />
        <Box marginTop={1}>
          <FormControlLabel
            control={
              <Checkbox
                checked={remember}
                onChange={event => setRemember(event.target.checked)}
                color="primary"
              />
            }
            label="Also route future signals with selector"
          />
          <TextField
            id="ops-route-signal-selector"
            label="Selector"
            value={selector}
            onChange={event => setSelector(event.target.value)}
            disabled={!remember}
            fullWidth
            variant="outlined"
            size="small"
            error={!!selectorError}
            helperText={
              selectorError ??
              'Signals whose labels match it route to the entity from now on'
            }
          />
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={loading}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          disabled={loading || !!entityError || !!selectorError}
          onClick={() => route()}
        >
          Route
        </Button>
      </DialogActions>
    </Dialog>
  );
};
