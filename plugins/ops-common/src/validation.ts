import { makeValidator, parseEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_BREAK_GLASS,
  ANNOTATION_CARRYING_CAPACITY,
  ANNOTATION_OPS_AGENT,
  ANNOTATION_OUTCOME_METRIC,
  ANNOTATION_RUNBOOKS,
  ANNOTATION_SLOS,
  ANNOTATION_SUBSTRATE,
  ANNOTATION_TIER,
  ANNOTATION_WORKING_HOURS,
  ENTITY_TIERS,
  OPERABLE_ANNOTATION_PREFIX,
} from './annotations';

/**
 * One thing wrong with one `operable.dev/*` annotation.
 *
 * @public
 */
export interface AnnotationProblem {
  annotation: string;
  value: string;
  message: string;
}

/** @public A parsed `key=value` / `key!=value` / `key=~regex` label matcher. */
export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:.]*$/;
const LOCATION = /^(url|file|dir):.+$/;

/**
 * Parses an alert selector such as `service=checkout,env!=dev,team=~pay.*`.
 * Throws an Error whose message says which part is malformed.
 *
 * @public
 */
export function parseLabelSelector(selector: string): LabelMatcher[] {
  const parts = selector
    .split(',')
    .map(p => p.trim())
    .filter(p => p.length > 0);
  if (parts.length === 0) {
    throw new Error('the selector is empty; expected e.g. service=checkout');
  }
  return parts.map(part => {
    const m = /^([^=!~\s]+)\s*(=~|!~|!=|=)\s*(.*)$/.exec(part);
    if (!m) {
      throw new Error(
        `"${part}" is not a matcher; expected label=value, label!=value, label=~regex or label!~regex`,
      );
    }
    const [, label, op, rawValue] = m;
    if (!LABEL_NAME.test(label)) {
      throw new Error(`"${label}" is not a valid label name`);
    }
    const value = rawValue.trim().replace(/^"(.*)"$/, '$1');
    if (value.length === 0) {
      throw new Error(`the matcher for "${label}" has no value`);
    }
    if (op === '=~' || op === '!~') {
      try {
        // eslint-disable-next-line no-new
        new RegExp(`^(?:${value})$`);
      } catch (e) {
        throw new Error(`"${value}" is not a valid regular expression`);
      }
    }
    return { label, op: op as LabelMatcher['op'], value };
  });
}

/**
 * True when every matcher of the selector holds for the labels.
 *
 * @public
 */
export function matchesLabels(
  matchers: LabelMatcher[],
  labels: Record<string, string | undefined>,
): boolean {
  return matchers.every(({ label, op, value }) => {
    const actual = labels[label] ?? '';
    switch (op) {
      case '=':
        return actual === value;
      case '!=':
        return actual !== value;
      case '=~':
        return new RegExp(`^(?:${value})$`).test(actual);
      case '!~':
        return !new RegExp(`^(?:${value})$`).test(actual);
      default:
        return false;
    }
  });
}

/**
 * The days of the week in the order of `Date.getUTCDay()`: 0 is Sunday.
 *
 * @public
 */
export const WEEKDAYS = [
  'Sun',
  'Mon',
  'Tue',
  'Wed',
  'Thu',
  'Fri',
  'Sat',
] as const;

/**
 * When a team works: a daily window in its own time zone, on some days of the
 * week. A window whose end is not after its start runs past midnight into the
 * next day (a night shift), and belongs to the day it starts on.
 *
 * @public
 */
export interface WorkingHours {
  /** An IANA time zone, e.g. `Europe/Berlin` or `UTC`. */
  timeZone: string;
  /** The days a window starts on, 0 (Sunday) to 6 (Saturday), ascending. */
  days: number[];
  /** Minutes after local midnight the window opens, 0 to 1439. */
  start: number;
  /** Minutes after local midnight the window closes, 1 to 1440. */
  end: number;
}

function weekdayIndex(name: string): number {
  const i = WEEKDAYS.findIndex(
    d => d.toLocaleLowerCase('en-US') === name.toLocaleLowerCase('en-US'),
  );
  if (i === -1) {
    throw new Error(
      `"${name}" is not a day; expected one of ${WEEKDAYS.join(', ')}`,
    );
  }
  return i;
}

/**
 * Parses days of the week such as `Mon-Fri`, `Mon,Wed,Fri` or `Sat-Sun,Wed`.
 * A range may wrap around the week end (`Fri-Mon`). Throws an Error that says
 * which part is malformed.
 *
 * @public
 */
export function parseWeekdays(value: string): number[] {
  const parts = value
    .split(',')
    .map(p => p.trim())
    .filter(Boolean);
  if (parts.length === 0) {
    throw new Error('no days given; expected e.g. Mon-Fri');
  }
  const days = new Set<number>();
  for (const part of parts) {
    const range = part.split('-').map(p => p.trim());
    if (range.length > 2) {
      throw new Error(`"${part}" is not a day or a range of days like Mon-Fri`);
    }
    const from = weekdayIndex(range[0]);
    const to = weekdayIndex(range[range.length - 1]);
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

/**
 * Parses a time of day `HH:MM` (24-hour clock) into minutes after midnight;
 * `24:00` only where `allowEndOfDay` says so.
 */
function parseTimeOfDay(value: string, allowEndOfDay: boolean): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > (allowEndOfDay ? 1440 : 1439)) {
    throw new Error(
      `"${value}" is not a time of day; expected HH:MM from 00:00 to ${
        allowEndOfDay ? '24:00' : '23:59'
      }`,
    );
  }
  return minutes;
}

/**
 * Checks that a time zone is one the runtime knows (IANA names like
 * `Europe/Berlin`, or `UTC`). Throws an Error that names it otherwise.
 *
 * @public
 */
export function checkTimeZone(timeZone: string): string {
  try {
    // Throws a RangeError for a zone the runtime does not know.
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions()
      .timeZone;
  } catch {
    throw new Error(
      `"${timeZone}" is not a time zone; expected an IANA name such as Europe/Berlin or UTC`,
    );
  }
}

/**
 * Builds working hours from their parts, as config gives them: days
 * (`Mon-Fri`), start and end (`09:00`, `17:00`), and a time zone.
 *
 * @public
 */
export function makeWorkingHours(parts: {
  days: string;
  start: string;
  end: string;
  timeZone: string;
}): WorkingHours {
  const days = parseWeekdays(parts.days);
  const start = parseTimeOfDay(parts.start, false);
  const end = parseTimeOfDay(parts.end, true);
  if (start === end) {
    throw new Error(
      `the window ${parts.start}-${parts.end} is empty; use 00:00-24:00 for whole days`,
    );
  }
  return { timeZone: checkTimeZone(parts.timeZone), days, start, end };
}

/**
 * Parses the `operable.dev/working-hours` annotation of a Group:
 * `<days> <start>-<end> <time zone>`, e.g. `Mon-Fri 09:00-17:00 Europe/Berlin`,
 * `Mon,Wed,Fri 08:30-16:30 America/New_York`, or a night shift that ends the
 * next morning, `Sun-Thu 22:00-06:00 UTC`. Throws an Error that says which
 * part is malformed.
 *
 * @public
 */
export function parseWorkingHours(value: string): WorkingHours {
  const tokens = value.trim().split(/\s+/).filter(Boolean);
  if (tokens.length !== 3) {
    throw new Error(
      `"${value}" is not <days> <start>-<end> <time zone>; expected e.g. Mon-Fri 09:00-17:00 Europe/Berlin`,
    );
  }
  const [days, window, timeZone] = tokens;
  const times = window.split('-');
  if (times.length !== 2) {
    throw new Error(
      `"${window}" is not a window of time; expected <start>-<end> such as 09:00-17:00`,
    );
  }
  return makeWorkingHours({ days, start: times[0], end: times[1], timeZone });
}

const validators = makeValidator();

/**
 * Why a value is not a reference to an entity the catalog could hold, of one
 * of the allowed kinds; undefined when it is one.
 */
function checkEntityRef(
  value: string,
  defaultKind: string,
  allowedKinds: string[],
): string | undefined {
  let ref;
  try {
    ref = parseEntityRef(value.trim(), { defaultKind });
  } catch (e) {
    return `"${value}" is not an entity reference: ${(e as Error).message}`;
  }
  // parseEntityRef only splits on ":" and "/"; the parts must be valid too.
  if (
    !validators.isValidKind(ref.kind) ||
    !validators.isValidNamespace(ref.namespace) ||
    !validators.isValidEntityName(ref.name)
  ) {
    return `"${value}" is not a valid entity reference; expected [${defaultKind.toLocaleLowerCase(
      'en-US',
    )}:][<namespace>/]<name>`;
  }
  if (!allowedKinds.includes(ref.kind.toLocaleLowerCase('en-US'))) {
    return `"${value}" refers to a ${ref.kind}; expected a ${allowedKinds.join(
      ' or a ',
    )}`;
  }
  return undefined;
}

/**
 * Checks the value of every `operable.dev/*` annotation on an entity and says
 * what is wrong with each. Unknown annotations under the prefix are reported
 * too, since they are most often typos of a known one.
 *
 * @public
 */
export function validateOperableAnnotations(
  kind: string,
  annotations: Record<string, string> | undefined,
): AnnotationProblem[] {
  const problems: AnnotationProblem[] = [];
  for (const [annotation, raw] of Object.entries(annotations ?? {})) {
    if (!annotation.startsWith(OPERABLE_ANNOTATION_PREFIX)) continue;
    const value = String(raw);
    const fail = (message: string) =>
      problems.push({ annotation, value, message });
    if (typeof raw !== 'string') {
      fail(`must be a string, got ${typeof raw}`);
      continue;
    }
    switch (annotation) {
      case ANNOTATION_OPS_AGENT: {
        const error = checkEntityRef(value, 'Component', ['component']);
        if (error)
          fail(`${error}; an ops agent is a Component of spec.type ops-agent`);
        break;
      }
      case ANNOTATION_RUNBOOKS:
      case ANNOTATION_SLOS:
        if (!LOCATION.test(value)) {
          fail(
            `"${value}" is not a location; expected url:<url>, file:<path> or dir:<path>`,
          );
        }
        break;
      case ANNOTATION_ALERT_SELECTOR:
        try {
          parseLabelSelector(value);
        } catch (e) {
          fail(`malformed selector: ${(e as Error).message}`);
        }
        break;
      case ANNOTATION_OUTCOME_METRIC:
        if (!METRIC_NAME.test(value)) {
          fail(
            `"${value}" is not a metric name; use letters, digits, _, : and .`,
          );
        }
        break;
      case ANNOTATION_SUBSTRATE:
        if (value !== 'true' && value !== 'false') {
          fail(`"${value}" must be "true" or "false"`);
        }
        break;
      case ANNOTATION_TIER:
        if (!(ENTITY_TIERS as readonly string[]).includes(value)) {
          fail(`"${value}" must be one of ${ENTITY_TIERS.join(', ')}`);
        }
        break;
      case ANNOTATION_CARRYING_CAPACITY: {
        if (kind.toLocaleLowerCase('en-US') !== 'group') {
          fail('only applies to Group entities');
        }
        const n = Number(value);
        if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
          fail(
            `"${value}" is not a non-negative number of load units per week`,
          );
        }
        break;
      }
      case ANNOTATION_BREAK_GLASS: {
        if (kind.toLocaleLowerCase('en-US') !== 'group') {
          fail('only applies to Group entities');
        }
        const refs = value
          .split(',')
          .map(v => v.trim())
          .filter(Boolean);
        if (refs.length === 0)
          fail('lists no one; expected user or group references');
        for (const ref of refs) {
          const error = checkEntityRef(ref, 'User', ['user', 'group']);
          if (error) fail(error);
        }
        break;
      }
      case ANNOTATION_WORKING_HOURS:
        if (kind.toLocaleLowerCase('en-US') !== 'group') {
          fail('only applies to Group entities');
        }
        try {
          parseWorkingHours(value);
        } catch (e) {
          fail(`malformed working hours: ${(e as Error).message}`);
        }
        break;
      default:
        fail(
          `unknown annotation; known ones are ops-agent, runbooks, slos, alert-selector, outcome-metric, substrate, tier, carrying-capacity, break-glass, working-hours`,
        );
    }
  }
  return problems;
}
