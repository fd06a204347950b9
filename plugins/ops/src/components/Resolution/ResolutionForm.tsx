import { ActionDescription } from '@operable/backstage-plugin-ops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import IconButton from '@material-ui/core/IconButton';
import Paper from '@material-ui/core/Paper';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import ArrowDownwardIcon from '@material-ui/icons/ArrowDownward';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import DeleteIcon from '@material-ui/icons/Delete';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import {
  ActionEntry,
  CAUSE_CATEGORIES,
  CAUSE_LABELS,
  ResolutionErrors,
  ResolutionFormState,
  defaultMode,
  fieldsToJson,
  inputFormOf,
  inputToFields,
  newActionEntry,
  parseJsonInput,
} from './resolutionForm';

/** The plain fields of an action's input, one per top-level property. */
const InputFields = (props: {
  entry: ActionEntry;
  position: number;
  description?: ActionDescription;
  onChange: (entry: ActionEntry) => void;
}) => {
  const { entry, position, onChange } = props;
  const form = inputFormOf(props.description?.inputSchema);
  const setField = (name: string, value: string) =>
    onChange({ ...entry, fields: { ...entry.fields, [name]: value } });
  return (
    <Box display="flex" flexDirection="column" gridGap={8}>
      {form.fields.map(field => {
        const id = `ops-resolution-action-${entry.key}-${field.name}`;
        const label = `${field.name}${field.required ? ' *' : ''}`;
        const value = entry.fields[field.name] ?? '';
        if (field.type === 'boolean' || field.options) {
          return (
            <TextField
              key={field.name}
              id={id}
              select
              SelectProps={{ native: true }}
              label={label}
              value={value}
              helperText={field.description}
              onChange={event => setField(field.name, event.target.value)}
              variant="outlined"
              size="small"
              inputProps={{
                'aria-label': `Step ${position} ${field.name}`,
              }}
            >
              <option value="">–</option>
              {(field.options ?? ['true', 'false']).map(option => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </TextField>
          );
        }
        return (
          <TextField
            key={field.name}
            id={id}
            label={label}
            value={value}
            type={field.type === 'string' ? 'text' : 'number'}
            helperText={field.description}
            onChange={event => setField(field.name, event.target.value)}
            variant="outlined"
            size="small"
            inputProps={{ 'aria-label': `Step ${position} ${field.name}` }}
          />
        );
      })}
      {form.complex.length > 0 && (
        <Typography variant="caption" color="textSecondary">
          {form.complex.join(', ')}: only as JSON
        </Typography>
      )}
    </Box>
  );
};

/** One action taken: a registry action with its input, or words. */
const ActionStep = (props: {
  entry: ActionEntry;
  index: number;
  count: number;
  actions: ActionDescription[];
  error?: string;
  onChange: (entry: ActionEntry) => void;
  onMove: (offset: -1 | 1) => void;
  onRemove: () => void;
}) => {
  const { entry, index, count, actions, error, onChange } = props;
  const position = index + 1;
  const description = actions.find(action => action.id === entry.actionId);
  const form = inputFormOf(description?.inputSchema);
  const errorId = `ops-resolution-action-${entry.key}-error`;

  const pickAction = (actionId: string) => {
    const picked = actions.find(action => action.id === actionId);
    onChange({
      ...entry,
      actionId,
      mode: defaultMode(inputFormOf(picked?.inputSchema)),
      fields: {},
      json: '{}',
    });
  };

  const switchMode = (mode: ActionEntry['mode'] | null) => {
    if (!mode || mode === entry.mode) {
      return;
    }
    if (mode === 'json') {
      onChange({ ...entry, mode, json: fieldsToJson(entry, form) });
      return;
    }
    // Fields keep what JSON said where a plain field can hold it.
    const { input } = parseJsonInput(entry.json);
    onChange({
      ...entry,
      mode,
      fields: input ? inputToFields(input, form) : entry.fields,
    });
  };

  return (
    <Paper
      variant="outlined"
      component="li"
      aria-label={`Step ${position}`}
      style={{ padding: 12, listStyle: 'none' }}
    >
      <Box display="flex" alignItems="center" gridGap={8} marginBottom={1}>
        <Typography variant="subtitle2" style={{ flex: 1 }}>
          Step {position}: {entry.kind === 'text' ? 'in words' : 'an action'}
        </Typography>
        <IconButton
          size="small"
          aria-label={`Move step ${position} up`}
          disabled={index === 0}
          onClick={() => props.onMove(-1)}
        >
          <ArrowUpwardIcon fontSize="small" />
        </IconButton>
        <IconButton
          size="small"
          aria-label={`Move step ${position} down`}
          disabled={index === count - 1}
          onClick={() => props.onMove(1)}
        >
          <ArrowDownwardIcon fontSize="small" />
        </IconButton>
        <IconButton
          size="small"
          aria-label={`Remove step ${position}`}
          onClick={props.onRemove}
        >
          <DeleteIcon fontSize="small" />
        </IconButton>
      </Box>
      {entry.kind === 'text' ? (
        <TextField
          id={`ops-resolution-action-${entry.key}-text`}
          label="What you did"
          value={entry.text}
          onChange={event => onChange({ ...entry, text: event.target.value })}
          multiline
          rows={2}
          fullWidth
          variant="outlined"
          size="small"
          inputProps={{
            'aria-label': `Step ${position}: what you did`,
            'aria-describedby': error ? errorId : undefined,
          }}
        />
      ) : (
        <Box display="flex" flexDirection="column" gridGap={8}>
          <TextField
            id={`ops-resolution-action-${entry.key}-id`}
            select
            SelectProps={{ native: true }}
            label="Action"
            value={entry.actionId}
            onChange={event => pickAction(event.target.value)}
            helperText={description?.description}
            variant="outlined"
            size="small"
            inputProps={{
              'aria-label': `Step ${position} action`,
              'aria-describedby': error ? errorId : undefined,
            }}
          >
            <option value="">Pick an action…</option>
            {actions.map(action => (
              <option key={action.id} value={action.id}>
                {action.id}
              </option>
            ))}
          </TextField>
          {entry.actionId && (
            <>
              {form.fields.length > 0 && (
                <ToggleButtonGroup
                  size="small"
                  exclusive
                  value={entry.mode}
                  onChange={(_event, mode) => switchMode(mode)}
                  aria-label={`Step ${position} input as`}
                >
                  <ToggleButton value="fields">Fields</ToggleButton>
                  <ToggleButton value="json">JSON</ToggleButton>
                </ToggleButtonGroup>
              )}
              {entry.mode === 'fields' && form.fields.length > 0 ? (
                <InputFields
                  entry={entry}
                  position={position}
                  description={description}
                  onChange={onChange}
                />
              ) : (
                <TextField
                  id={`ops-resolution-action-${entry.key}-json`}
                  label="Input (JSON)"
                  value={entry.json}
                  onChange={event =>
                    onChange({ ...entry, json: event.target.value })
                  }
                  multiline
                  rows={3}
                  fullWidth
                  variant="outlined"
                  size="small"
                  inputProps={{
                    'aria-label': `Step ${position} input as JSON`,
                    style: { fontFamily: 'monospace' },
                  }}
                />
              )}
            </>
          )}
        </Box>
      )}
      {error && (
        <FormHelperText error id={errorId} role="alert">
          {error}
        </FormHelperText>
      )}
    </Paper>
  );
};

/**
 * The structured resolution of an incident: its cause, the actions taken
 * (from the action registry with their input, or in words), in order,
 * notes, and whether there was nothing to do.
 */
export const ResolutionForm = (props: {
  value: ResolutionFormState;
  onChange: (value: ResolutionFormState) => void;
  actions: ActionDescription[];
  errors?: ResolutionErrors;
}) => {
  const { value, onChange, actions, errors } = props;
  const setActions = (entries: ActionEntry[]) =>
    onChange({ ...value, actions: entries });

  const move = (index: number, offset: -1 | 1) => {
    const entries = [...value.actions];
    const [entry] = entries.splice(index, 1);
    entries.splice(index + offset, 0, entry);
    setActions(entries);
  };

  return (
    <Box display="flex" flexDirection="column" gridGap={16}>
      <TextField
        id="ops-resolution-cause"
        select
        SelectProps={{ native: true }}
        label="Cause"
        value={value.cause}
        onChange={event =>
          onChange({
            ...value,
            cause: event.target.value as ResolutionFormState['cause'],
          })
        }
        error={Boolean(errors?.cause)}
        helperText={errors?.cause ?? 'What caused the incident'}
        variant="outlined"
        required
      >
        <option value="">Pick a cause…</option>
        {CAUSE_CATEGORIES.map(cause => (
          <option key={cause} value={cause}>
            {CAUSE_LABELS[cause]}
          </option>
        ))}
      </TextField>

      <Box component="fieldset" border={0} margin={0} padding={0}>
        <Typography variant="subtitle1" component="legend">
          Actions taken{value.notActionable ? ' (optional)' : ''}
        </Typography>
        <Typography variant="body2" color="textSecondary" paragraph>
          In the order you took them. An action of the registry lets the ops
          agent do it next time; describe in words what no action covers.
        </Typography>
        {value.actions.length > 0 && (
          <Box
            component="ol"
            aria-label="Actions taken"
            display="flex"
            flexDirection="column"
            gridGap={8}
            margin={0}
            padding={0}
          >
            {value.actions.map((entry, index) => (
              <ActionStep
                key={entry.key}
                entry={entry}
                index={index}
                count={value.actions.length}
                actions={actions}
                error={errors?.action[index]}
                onChange={changed =>
                  setActions(
                    value.actions.map(each =>
                      each.key === entry.key ? changed : each,
                    ),
                  )
                }
                onMove={offset => move(index, offset)}
                onRemove={() =>
                  setActions(value.actions.filter(each => each !== entry))
                }
              />
            ))}
          </Box>
        )}
        <Box display="flex" gridGap={8} marginTop={1}>
          <Button
            size="small"
            variant="outlined"
            onClick={() =>
              setActions([...value.actions, newActionEntry('action')])
            }
          >
            Add an action
          </Button>
          <Button
            size="small"
            variant="outlined"
            onClick={() =>
              setActions([...value.actions, newActionEntry('text')])
            }
          >
            Add a step in words
          </Button>
        </Box>
        {errors?.actions && (
          <FormHelperText error role="alert">
            {errors.actions}
          </FormHelperText>
        )}
      </Box>

      <FormControlLabel
        control={
          <Checkbox
            checked={value.notActionable}
            onChange={event =>
              onChange({ ...value, notActionable: event.target.checked })
            }
            color="primary"
          />
        }
        label="Not actionable: nothing to do (a false alarm, a blip); it never becomes a runbook"
      />

      <TextField
        id="ops-resolution-notes"
        label="Notes (optional)"
        value={value.notes}
        onChange={event => onChange({ ...value, notes: event.target.value })}
        error={Boolean(errors?.notes)}
        helperText={errors?.notes}
        multiline
        rows={2}
        fullWidth
        variant="outlined"
      />
    </Box>
  );
};
