import { useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';

interface EntityOption {
  ref: string;
  title?: string;
}

/** The part of a half-typed reference worth searching for: the name. */
function searchTerm(input: string): string {
  return input.trim().split(/[:/]/).pop() ?? '';
}

/**
 * A text field for an entity reference that suggests catalog entities as you
 * type. Any reference can be typed; the suggestions only help.
 */
export const EntityRefField = (props: {
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) => {
  const { value, onChange, error } = props;
  const catalogApi = useApi(catalogApiRef);
  const [term, setTerm] = useState('');
  useDebounce(() => setTerm(searchTerm(value)), 250, [value]);

  const { value: options = [], loading } = useAsync(async () => {
    if (term.length < 2) {
      return [];
    }
    try {
      const { items } = await catalogApi.queryEntities({
        fullTextFilter: { term, fields: ['metadata.name', 'metadata.title'] },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
        ],
        limit: 10,
      });
      return items.map(
        (entity): EntityOption => ({
          ref: stringifyEntityRef(entity),
          title: entity.metadata.title,
        }),
      );
    } catch {
      // Suggestions are a convenience; a typed reference still works.
      return [];
    }
  }, [catalogApi, term]);

  return (
    <Autocomplete<EntityOption, false, false, true>
      freeSolo
      options={options}
      loading={loading}
      filterOptions={all => all}
      getOptionLabel={option =>
        typeof option === 'string' ? option : option.ref
      }
      renderOption={option => (
        <div>
          <Typography variant="body2">{option.ref}</Typography>
          {option.title && (
            <Typography variant="caption" color="textSecondary">
              {option.title}
            </Typography>
          )}
        </div>
      )}
      inputValue={value}
      onInputChange={(_event, next) => onChange(next)}
      renderInput={params => (
        <TextField
          {...params}
          label="Entity"
          placeholder="component:default/checkout"
          required
          margin="normal"
          variant="outlined"
          error={!!error}
          helperText={error ?? 'The entity the signal is about'}
        />
      )}
    />
  );
};
