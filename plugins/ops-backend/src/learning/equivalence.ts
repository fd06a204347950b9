import {
  ResolutionAction,
  ResolutionBody,
} from '@operable/backstage-plugin-ops-common';
import { hashOf } from './signature';

/** The incident a resolution's actions are normalised against. */
export interface NormalisationIncident {
  labels?: Record<string, string>;
}

// Shorter values would turn ordinary words into templates ("api" inside
// every URL); a short value is still templated when it is the whole string.
const MIN_CONTAINED_LENGTH = 4;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface LabelValue {
  name: string;
  value: string;
  template: string;
}

/** The incident's label values, longest first, then by label name. */
function labelValues(incident: NormalisationIncident): LabelValue[] {
  return Object.entries(incident.labels ?? {})
    .filter(
      ([name, value]) =>
        LABEL_NAME.test(name) && typeof value === 'string' && value !== '',
    )
    .map(([name, value]) => ({
      name,
      value,
      template: `\${{ incident.labels.${name} }}`,
    }))
    .sort(
      (a, b) => b.value.length - a.value.length || a.name.localeCompare(b.name),
    );
}

// A value inside a longer name (`checkout-api` in `checkout-api-canary`) is
// not that value.
const isWordChar = (c: string | undefined) =>
  c !== undefined && /[a-zA-Z0-9_-]/.test(c);

const TEMPLATE = /\$\{\{[^}]*\}\}/g;

/** A string as literal pieces and the templates it already holds. */
function splitTemplates(text: string) {
  const pieces: Array<{ text: string; template: boolean }> = [];
  let last = 0;
  for (const m of text.matchAll(TEMPLATE)) {
    if (m.index! > last) {
      pieces.push({ text: text.slice(last, m.index), template: false });
    }
    pieces.push({ text: m[0], template: true });
    last = m.index! + m[0].length;
  }
  if (last < text.length)
    pieces.push({ text: text.slice(last), template: false });
  return pieces;
}

/**
 * Replaces what is the incident's own in a string by templates: the whole
 * string equal to a label value, or each occurrence of a value (at least
 * four characters, not inside a longer word) within it. Longer values go
 * first, so that `10.0.0.7:8080` wins over `10.0.0.7`; templates (placed
 * here or written by the person) are never touched again.
 */
export function templateLabelValues(
  text: string,
  values: LabelValue[],
): string {
  const whole = values.find(v => v.value === text);
  if (whole) return whole.template;
  // Pieces: literal text still to search, or templates already placed.
  let pieces = splitTemplates(text);
  for (const v of values) {
    if (v.value.length < MIN_CONTAINED_LENGTH) continue;
    const next: typeof pieces = [];
    for (const piece of pieces) {
      if (piece.template) {
        next.push(piece);
        continue;
      }
      let rest = piece.text;
      let from = 0;
      for (;;) {
        const at = rest.indexOf(v.value, from);
        if (at < 0) break;
        const end = at + v.value.length;
        if (isWordChar(rest[at - 1]) || isWordChar(rest[end])) {
          from = at + 1;
          continue;
        }
        if (at > 0) next.push({ text: rest.slice(0, at), template: false });
        next.push({ text: v.template, template: true });
        rest = rest.slice(end);
        from = 0;
      }
      if (rest) next.push({ text: rest, template: false });
    }
    pieces = next;
  }
  return pieces.map(p => p.text).join('');
}

function normaliseValue(value: unknown, values: LabelValue[]): unknown {
  if (typeof value === 'string') return templateLabelValues(value, values);
  if (Array.isArray(value)) return value.map(v => normaliseValue(v, values));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normaliseValue(v, values);
    }
    return out;
  }
  return value;
}

/**
 * Free text as people write it differently: lower-cased (outside the
 * templates, whose label names keep their case), whitespace collapsed,
 * trailing punctuation dropped.
 */
export function normaliseText(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  const out = splitTemplates(collapsed)
    .map(p => (p.template ? p.text : p.text.toLocaleLowerCase('en-US')))
    .join('');
  return out.replace(/[\s.,;:!?…]+$/u, '');
}

/**
 * A resolution's actions in the form in which equal actions are equal:
 * - strings of action inputs that are (or contain) one of the incident's
 *   label values become `${{ incident.labels.<name> }}`, so that
 *   `DELETE http://10.0.0.7:8080/admin/faults` on one pod and the same call
 *   on another are one action (see {@link templateLabelValues});
 * - object keys sorted at every depth, undefined values dropped;
 * - free text templated the same way, then lower-cased, whitespace
 *   collapsed and trailing punctuation dropped (see {@link normaliseText}).
 * The order of the actions is kept: it is part of what was done.
 */
export function normaliseActions(
  actions: ResolutionAction[],
  incident: NormalisationIncident,
): ResolutionAction[] {
  const values = labelValues(incident);
  return actions.map(action =>
    'text' in action
      ? { text: normaliseText(templateLabelValues(action.text, values)) }
      : {
          action: action.action,
          input: normaliseValue(action.input ?? {}, values) as Record<
            string,
            unknown
          >,
        },
  );
}

/**
 * A stable key of a normalised action list: the sha256 (hex) of its
 * canonical JSON. Equal lists, equal keys.
 */
export function actionsKey(normalised: ResolutionAction[]): string {
  return hashOf({ v: 1, actions: normalised });
}

/**
 * The actions key of a resolution against its incident; undefined for a
 * resolution that was not actionable (it is equivalent to nothing).
 */
export function resolutionActionsKey(
  resolution: Pick<ResolutionBody, 'actions' | 'notActionable'>,
  incident: NormalisationIncident,
): string | undefined {
  if (resolution.notActionable || resolution.actions.length === 0) {
    return undefined;
  }
  return actionsKey(normaliseActions(resolution.actions, incident));
}

/**
 * Whether two resolutions were resolved the same way: their normalised,
 * ordered action lists are equal. A resolution that was not actionable (or
 * names no action) is never equivalent to anything, itself included.
 */
export function equivalentResolutions(
  a: {
    resolution: Pick<ResolutionBody, 'actions' | 'notActionable'>;
    incident: NormalisationIncident;
  },
  b: {
    resolution: Pick<ResolutionBody, 'actions' | 'notActionable'>;
    incident: NormalisationIncident;
  },
): boolean {
  const ka = resolutionActionsKey(a.resolution, a.incident);
  const kb = resolutionActionsKey(b.resolution, b.incident);
  return ka !== undefined && ka === kb;
}
