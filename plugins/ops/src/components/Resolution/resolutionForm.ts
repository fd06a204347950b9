import {
  ActionDescription,
  CAUSE_CATEGORIES,
  CauseCategory,
  ResolutionInput,
  resolutionSchema,
} from '@operable/backstage-plugin-ops-common';

/** How a cause category reads in the form. */
export const CAUSE_LABELS: Record<CauseCategory, string> = {
  'code-change': 'Code change',
  configuration: 'Configuration',
  capacity: 'Capacity',
  dependency: 'Dependency',
  infrastructure: 'Infrastructure',
  data: 'Data',
  external: 'External (third party)',
  'ai-behaviour': 'AI behaviour',
  unknown: 'Unknown',
};

export function causeLabel(cause: string): string {
  return CAUSE_LABELS[cause as CauseCategory] ?? cause;
}

export { CAUSE_CATEGORIES };

/** A top-level property of an action's input that a plain field can hold. */
export interface SimpleField {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean';
  description?: string;
  required: boolean;
  /** Allowed values, for a select. */
  options?: string[];
}

/** The top-level properties of an action's input schema, as far as plain fields can hold them. */
export interface InputForm {
  fields: SimpleField[];
  /** Properties plain fields cannot hold (objects, arrays, unions): only JSON can. */
  complex: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SIMPLE_TYPES = ['string', 'number', 'integer', 'boolean'] as const;

/**
 * Plain fields for the top-level properties of a JSON schema: strings,
 * numbers, integers, booleans and enums of strings. Anything deeper is left
 * to the JSON editor.
 */
export function inputFormOf(schema: unknown): InputForm {
  if (!isRecord(schema) || !isRecord(schema.properties)) {
    return { fields: [], complex: [] };
  }
  const required = Array.isArray(schema.required)
    ? schema.required.filter((name): name is string => typeof name === 'string')
    : [];
  const form: InputForm = { fields: [], complex: [] };
  for (const [name, property] of Object.entries(schema.properties)) {
    const type = isRecord(property) ? property.type : undefined;
    const simple = SIMPLE_TYPES.find(each => each === type);
    const enumValues =
      isRecord(property) && Array.isArray(property.enum)
        ? property.enum
        : undefined;
    if (
      !simple ||
      (enumValues && !enumValues.every(value => typeof value === 'string'))
    ) {
      form.complex.push(name);
      continue;
    }
    form.fields.push({
      name,
      type: simple,
      description:
        isRecord(property) && typeof property.description === 'string'
          ? property.description
          : undefined,
      required: required.includes(name),
      options: enumValues as string[] | undefined,
    });
  }
  return form;
}

/** One action taken, as the form holds it while a person types. */
export interface ActionEntry {
  /** Stable across reordering, for React. */
  key: number;
  kind: 'action' | 'text';
  /** The registry action picked; empty until one is. */
  actionId: string;
  /** Plain fields, or the whole input as JSON. */
  mode: 'fields' | 'json';
  /** The plain fields' text, by property name. */
  fields: Record<string, string>;
  json: string;
  text: string;
}

export interface ResolutionFormState {
  cause: CauseCategory | '';
  actions: ActionEntry[];
  notes: string;
  notActionable: boolean;
}

export const EMPTY_RESOLUTION_FORM: ResolutionFormState = {
  cause: '',
  actions: [],
  notes: '',
  notActionable: false,
};

let nextKey = 1;

export function newActionEntry(kind: ActionEntry['kind']): ActionEntry {
  return {
    key: nextKey++,
    kind,
    actionId: '',
    mode: 'fields',
    fields: {},
    json: '{}',
    text: '',
  };
}

/**
 * The mode an action's input starts in: plain fields when they can hold
 * every property, JSON otherwise.
 */
export function defaultMode(form: InputForm): ActionEntry['mode'] {
  return form.fields.length > 0 && form.complex.length === 0
    ? 'fields'
    : 'json';
}

/** What is wrong with the form, where a person can see it. */
export interface ResolutionErrors {
  cause?: string;
  notes?: string;
  /** About the list of actions as a whole. */
  actions?: string;
  /** By the index of the action. */
  action: Record<number, string>;
}

function fieldsToInput(
  entry: ActionEntry,
  form: InputForm,
): { input?: Record<string, unknown>; error?: string } {
  const input: Record<string, unknown> = {};
  for (const field of form.fields) {
    const text = (entry.fields[field.name] ?? '').trim();
    if (text === '') {
      if (field.required) {
        return { error: `${field.name} is required` };
      }
      continue;
    }
    if (field.type === 'number' || field.type === 'integer') {
      const value = Number(text);
      if (
        Number.isNaN(value) ||
        (field.type === 'integer' && !Number.isInteger(value))
      ) {
        return {
          error: `${field.name} must be ${
            field.type === 'integer' ? 'a whole number' : 'a number'
          }`,
        };
      }
      input[field.name] = value;
    } else if (field.type === 'boolean') {
      input[field.name] = text === 'true';
    } else {
      input[field.name] = text;
    }
  }
  return { input };
}

/** The input of an action entry typed as JSON: an object, or what is wrong. */
export function parseJsonInput(json: string): {
  input?: Record<string, unknown>;
  error?: string;
} {
  const text = json.trim();
  if (text === '') {
    return { input: {} };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `input is not valid JSON: ${(e as Error).message}` };
  }
  if (!isRecord(value)) {
    return { error: 'input must be a JSON object, e.g. {"url": "http://…"}' };
  }
  return { input: value };
}

/** The plain fields' text for an input, e.g. after switching from JSON. */
export function inputToFields(
  input: Record<string, unknown>,
  form: InputForm,
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of form.fields) {
    const value = input[field.name];
    if (value !== undefined && value !== null && typeof value !== 'object') {
      fields[field.name] = String(value);
    }
  }
  return fields;
}

/** The input an entry in fields mode stands for, as JSON text. */
export function fieldsToJson(entry: ActionEntry, form: InputForm): string {
  const { input } = fieldsToInput(entry, form);
  return JSON.stringify(input ?? {}, null, 2);
}

/**
 * Turns what a person typed into a resolution, checked with the suite's
 * resolution schema, or says what is wrong and where.
 */
export function toResolutionInput(
  state: ResolutionFormState,
  actions: ActionDescription[],
): { resolution?: ResolutionInput; errors?: ResolutionErrors } {
  const errors: ResolutionErrors = { action: {} };
  const taken: ResolutionInput['actions'] = [];
  state.actions.forEach((entry, index) => {
    if (entry.kind === 'text') {
      if (entry.text.trim() === '') {
        errors.action[index] = 'say what you did, or remove this step';
      }
      taken.push({ text: entry.text.trim() });
      return;
    }
    if (!entry.actionId) {
      errors.action[index] = 'pick an action, or remove this step';
      taken.push({ action: '', input: {} });
      return;
    }
    const description = actions.find(each => each.id === entry.actionId);
    const form = inputFormOf(description?.inputSchema);
    const parsed =
      entry.mode === 'json'
        ? parseJsonInput(entry.json)
        : fieldsToInput(entry, form);
    if (parsed.error) {
      errors.action[index] = parsed.error;
    }
    taken.push({ action: entry.actionId, input: parsed.input ?? {} });
  });

  const resolution: ResolutionInput = {
    cause: state.cause || 'unknown',
    actions: taken,
    notActionable: state.notActionable,
  };
  if (state.notes.trim() !== '') {
    resolution.notes = state.notes.trim();
  }

  // Zod checks the rules across fields only once every field is valid: a
  // stand-in cause lets them speak while the real one is missing.
  if (state.cause === '') {
    errors.cause = 'pick a cause';
  }
  const result = resolutionSchema.safeParse(resolution);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const [field, index] = issue.path;
      if (field === 'cause') {
        errors.cause = issue.message;
      } else if (field === 'notes') {
        errors.notes = issue.message;
      } else if (field === 'actions' && typeof index === 'number') {
        errors.action[index] ??= issue.message;
      } else if (field === 'actions') {
        errors.actions = issue.message;
      } else {
        errors.actions ??= issue.message;
      }
    }
  }
  const failed =
    errors.cause ||
    errors.notes ||
    errors.actions ||
    Object.keys(errors.action).length > 0;
  return failed ? { errors } : { resolution };
}
