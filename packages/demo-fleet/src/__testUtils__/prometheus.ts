// A strict reader of the Prometheus text exposition format, for tests: every
// line must be a HELP, a TYPE or a sample of a declared metric family.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE_LINE = new RegExp(
  `^(${NAME})(?:\\{(${LABEL}(?:,${LABEL})*)?\\})? (\\S+)$`,
);
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

function parseValue(raw: string, line: string): number {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (raw === 'NaN') return NaN;
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw)) {
    throw new Error(`bad sample value in: ${line}`);
  }
  return Number(raw);
}

/** Parses and checks an exposition; throws on the first malformed line. */
export function parseExposition(text: string): Sample[] {
  if (!text.endsWith('\n'))
    throw new Error('the exposition must end with a newline');
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment;
      if (!new RegExp(`^${NAME}$`).test(name))
        throw new Error(`bad name: ${line}`);
      if (kind === 'TYPE') {
        if (!TYPES.includes(rest)) throw new Error(`bad type: ${line}`);
        if (types.has(name)) throw new Error(`second TYPE for ${name}`);
        types.set(name, rest);
      }
      continue;
    }
    const match = SAMPLE_LINE.exec(line);
    if (!match) throw new Error(`malformed line: ${JSON.stringify(line)}`);
    const [, name, labelText = '', rawValue] = match;
    const family = [name, name.replace(/_(bucket|sum|count)$/, '')].find(n =>
      types.has(n),
    );
    if (!family) throw new Error(`sample of an undeclared metric: ${line}`);
    if (
      family !== name &&
      types.get(family) !== 'histogram' &&
      types.get(family) !== 'summary'
    ) {
      throw new Error(`suffixed sample of a ${types.get(family)}: ${line}`);
    }
    const labels: Record<string, string> = {};
    for (const [, key, value] of labelText.matchAll(LABEL_PAIR)) {
      labels[key] = value.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    samples.push({ name, labels, value: parseValue(rawValue, line) });
  }
  return samples;
}

/** The sum of the samples of a name whose labels include `match`. */
export function sumOf(
  samples: Sample[],
  name: string,
  match: Record<string, string> = {},
): number {
  return samples
    .filter(
      s =>
        s.name === name &&
        Object.entries(match).every(([k, v]) => s.labels[k] === v),
    )
    .reduce((total, s) => total + s.value, 0);
}
