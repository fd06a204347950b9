import { LineCounter, parseAllDocuments } from 'yaml';
import { isWindowShorthand } from './duration';

/** Which specification an SLO came from. */
export type SloFormat = 'sloth' | 'openslo';

/**
 * How the source measures the SLI:
 * - `events`: error (or good) events over total events, the usual case;
 * - `raw`: a precomputed ratio (Sloth `sli.raw`, OpenSLO `ratioMetric.raw`);
 * - `plugin`: a Sloth SLI plugin computes the error ratio.
 */
export type SloIndicatorKind = 'events' | 'raw' | 'plugin';

/**
 * One service level objective, normalised from Sloth or OpenSLO.
 *
 * Metric naming convention (what the sensor pushes, whatever the source
 * queries are): the samples for an SLO are named after {@link SloSpec.name}
 * with a suffix, `<name>:errors`, `<name>:total` and, for OpenSLO good/total
 * indicators, `<name>:good`. Each sample is the count of events during its
 * push interval. For `raw` and `plugin` indicators, which have no event
 * counts, the sensor pushes the interval's error ratio as `<name>:errors` and
 * `1` as `<name>:total`, so that sums over a window still give the mean
 * error ratio.
 */
export interface SloSpec {
  /**
   * Unique within a file. Sloth: `<service>-<slo name>` (Sloth's own
   * `sloth_id`, e.g. `checkout-availability`). OpenSLO: `metadata.name`;
   * with several objectives `<metadata.name>-<objective displayName
   * slugified, or its index>`.
   */
  name: string;
  /** Target ratio of good events, e.g. 0.999 (always 0 < objective < 1). */
  objective: number;
  /** The SLO period: Sloth has none in its spec (default `30d`); OpenSLO `spec.timeWindow[0].duration`. */
  window: string;
  /** Name of the pushed error-count samples: `<name>:errors`. */
  errorMetric: string;
  /** Name of the pushed total-count samples: `<name>:total`. */
  totalMetric: string;
  /** Name of the pushed good-count samples (`<name>:good`), set when the source counts good events and not bad ones. */
  goodMetric?: string;
  format: SloFormat;
  indicator: SloIndicatorKind;
  /** The service the SLO belongs to (Sloth `service`, OpenSLO `spec.service`). */
  service?: string;
  description?: string;
  /** Sloth `alerting.name`: the name of the alerts Sloth generates for this SLO. */
  alertName?: string;
  /**
   * The source's queries, verbatim, for reference and for a pulling sensor:
   * Sloth `error_query`/`total_query`/`error_ratio_query`; OpenSLO the
   * `metricSource.spec.query` (or `promql`) of good/bad/total/raw.
   */
  queries: {
    error?: string;
    good?: string;
    total?: string;
    /** A precomputed ratio; see `rawType`. */
    ratio?: string;
    /** For `ratio`: whether it measures failures (Sloth, OpenSLO `failure`) or successes. */
    rawType?: 'failure' | 'success';
  };
}

/** Options of {@link parseSloDocument}. */
export interface ParseSloOptions {
  /** The window of Sloth SLOs, whose spec has no period. Default `30d`. */
  slothWindow?: string;
}

type Path = ReadonlyArray<string | number>;

/**
 * A document that is not a valid SLO file. `path` locates the problem
 * (e.g. `slos[0].objective`), `line` is 1-based when known.
 */
export class SloDocumentError extends Error {
  constructor(message: string, readonly path: string, readonly line?: number) {
    super(message);
    this.name = 'SloDocumentError';
  }
}

/** Internal: a problem at a path inside one YAML document. */
class Invalid extends Error {
  constructor(readonly path: Path, readonly problem: string) {
    super(problem);
  }
}

function fail(path: Path, problem: string): never {
  throw new Invalid(path, problem);
}

function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
    } else {
      out += out ? `.${part}` : part;
    }
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, path: Path): Record<string, unknown> {
  if (!isRecord(value)) {
    fail(path, value === undefined ? 'is required' : 'must be a mapping');
  }
  return value;
}

function text(value: unknown, path: Path): string {
  if (value === undefined || value === null) {
    fail(path, 'is required');
  }
  if (typeof value !== 'string' || value.trim() === '') {
    fail(path, 'must be a non-empty string');
  }
  return value;
}

function optionalText(value: unknown, path: Path): string | undefined {
  return value === undefined || value === null ? undefined : text(value, path);
}

/** Names become metric names: no whitespace, no ':' (our suffix separator). */
function name(value: unknown, path: Path): string {
  const result = text(value, path);
  if (/[\s:]/.test(result)) {
    fail(path, `'${result}' must not contain whitespace or ':'`);
  }
  return result;
}

function list(value: unknown, path: Path): unknown[] {
  if (value === undefined || value === null) {
    fail(path, 'is required');
  }
  if (!Array.isArray(value)) {
    fail(path, 'must be a list');
  }
  if (value.length === 0) {
    fail(path, 'must not be empty');
  }
  return value;
}

/** 99.9 → 0.999, without the float noise of 99.9 / 100 (0.9990000000000001). */
function percentToRatio(percent: number): number {
  return Number((percent / 100).toPrecision(15));
}

function slug(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function metricNames(sloName: string, good: boolean) {
  return {
    errorMetric: `${sloName}:errors`,
    totalMetric: `${sloName}:total`,
    ...(good ? { goodMetric: `${sloName}:good` } : {}),
  };
}

// ---------------------------------------------------------------- Sloth

function parseSloth(
  doc: Record<string, unknown>,
  base: Path,
  options: ParseSloOptions,
): SloSpec[] {
  const service = name(doc.service, [...base, 'service']);
  const slos = list(doc.slos, [...base, 'slos']);
  const window = options.slothWindow ?? '30d';
  const seen = new Set<string>();
  return slos.map((raw, index) => {
    const path = [...base, 'slos', index];
    const slo = record(raw, path);
    const sloName = name(slo.name, [...path, 'name']);
    if (seen.has(sloName)) {
      fail([...path, 'name'], `duplicate SLO name '${sloName}'`);
    }
    seen.add(sloName);

    const objective = slo.objective;
    if (
      typeof objective !== 'number' ||
      !Number.isFinite(objective) ||
      objective <= 0 ||
      objective >= 100
    ) {
      fail(
        [...path, 'objective'],
        `must be a number between 0 and 100 (exclusive), e.g. 99.9; got ${JSON.stringify(
          objective ?? null,
        )}`,
      );
    }

    const sliPath = [...path, 'sli'];
    const sli = record(slo.sli, sliPath);
    const kinds = (['events', 'raw', 'plugin'] as const).filter(
      k => sli[k] !== undefined && sli[k] !== null,
    );
    if (kinds.length !== 1) {
      fail(
        sliPath,
        kinds.length === 0
          ? 'must have one of events, raw or plugin'
          : `must have only one of events, raw or plugin (found ${kinds.join(
              ', ',
            )})`,
      );
    }
    const kind = kinds[0];
    const queries: SloSpec['queries'] = {};
    if (kind === 'events') {
      const events = record(sli.events, [...sliPath, 'events']);
      queries.error = text(events.error_query, [
        ...sliPath,
        'events',
        'error_query',
      ]);
      queries.total = text(events.total_query, [
        ...sliPath,
        'events',
        'total_query',
      ]);
    } else if (kind === 'raw') {
      const rawSli = record(sli.raw, [...sliPath, 'raw']);
      queries.ratio = text(rawSli.error_ratio_query, [
        ...sliPath,
        'raw',
        'error_ratio_query',
      ]);
      queries.rawType = 'failure';
    } else {
      const plugin = record(sli.plugin, [...sliPath, 'plugin']);
      text(plugin.id, [...sliPath, 'plugin', 'id']);
    }

    let alertName: string | undefined;
    if (slo.alerting !== undefined && slo.alerting !== null) {
      const alerting = record(slo.alerting, [...path, 'alerting']);
      alertName = optionalText(alerting.name, [...path, 'alerting', 'name']);
    }

    const id = `${service}-${sloName}`;
    const description = optionalText(slo.description, [...path, 'description']);
    return {
      name: id,
      objective: percentToRatio(objective),
      window,
      ...metricNames(id, false),
      format: 'sloth' as const,
      indicator: kind,
      service,
      ...(description ? { description } : {}),
      ...(alertName ? { alertName } : {}),
      queries,
    };
  });
}

// ---------------------------------------------------------------- OpenSLO

const OPENSLO_KINDS = [
  'SLO',
  'SLI',
  'Service',
  'DataSource',
  'AlertPolicy',
  'AlertCondition',
  'AlertNotificationTarget',
];

const BUDGETING_METHODS = ['Occurrences', 'Timeslices', 'RatioTimeslices'];

interface OpenSloObject {
  doc: Record<string, unknown>;
  path: Path;
}

/** The query of a `metricSource`: `spec.query` or `spec.promql` when it is a string. */
function metricQuery(metric: unknown, path: Path): string | undefined {
  const source = record(record(metric, path).metricSource, [
    ...path,
    'metricSource',
  ]);
  if (source.spec === undefined || source.spec === null) {
    return undefined;
  }
  const spec = record(source.spec, [...path, 'metricSource', 'spec']);
  for (const key of ['query', 'promql']) {
    if (typeof spec[key] === 'string') {
      return spec[key] as string;
    }
  }
  return undefined;
}

interface Indicator {
  kind: SloIndicatorKind;
  good: boolean;
  queries: SloSpec['queries'];
}

/** An SLI's `spec` (inline `indicator.spec` or a `kind: SLI` object's `spec`). */
function parseIndicatorSpec(value: unknown, path: Path): Indicator {
  const spec = record(value, path);
  if (spec.thresholdMetric !== undefined && spec.ratioMetric === undefined) {
    fail(
      [...path, 'thresholdMetric'],
      'threshold indicators are not supported; burn rates need a ratioMetric (good/bad over total, or raw)',
    );
  }
  const ratioPath = [...path, 'ratioMetric'];
  const ratio = record(spec.ratioMetric, ratioPath);
  const has = (key: string) => ratio[key] !== undefined && ratio[key] !== null;
  const queries: SloSpec['queries'] = {};
  if (has('raw')) {
    if (has('good') || has('bad') || has('total')) {
      fail(ratioPath, 'raw cannot be combined with good, bad or total');
    }
    const rawType = ratio.rawType;
    if (rawType !== 'success' && rawType !== 'failure') {
      fail(
        [...ratioPath, 'rawType'],
        "must be 'success' or 'failure' with raw",
      );
    }
    queries.ratio = metricQuery(ratio.raw, [...ratioPath, 'raw']);
    queries.rawType = rawType;
    return { kind: 'raw', good: false, queries };
  }
  if (!has('total')) {
    fail(ratioPath, 'must have total with good or bad, or raw with rawType');
  }
  if (!has('good') && !has('bad')) {
    fail(ratioPath, 'must have good or bad next to total');
  }
  queries.total = metricQuery(ratio.total, [...ratioPath, 'total']);
  if (has('bad')) {
    queries.error = metricQuery(ratio.bad, [...ratioPath, 'bad']);
  }
  if (has('good')) {
    queries.good = metricQuery(ratio.good, [...ratioPath, 'good']);
  }
  // With bad events the errors are counted directly; good-only needs the good series.
  return { kind: 'events', good: !has('bad'), queries };
}

function resolveIndicator(
  holder: Record<string, unknown>,
  path: Path,
  slis: Map<string, OpenSloObject>,
): Indicator | undefined {
  if (holder.indicator !== undefined && holder.indicator !== null) {
    const indicator = record(holder.indicator, [...path, 'indicator']);
    return parseIndicatorSpec(indicator.spec, [...path, 'indicator', 'spec']);
  }
  if (holder.indicatorRef !== undefined && holder.indicatorRef !== null) {
    const ref = text(holder.indicatorRef, [...path, 'indicatorRef']);
    const sli = slis.get(ref);
    if (!sli) {
      fail(
        [...path, 'indicatorRef'],
        `SLI '${ref}' is not defined in this file (add a kind: SLI document named '${ref}')`,
      );
    }
    return parseIndicatorSpec(sli.doc.spec, [...sli.path, 'spec']);
  }
  return undefined;
}

function parseObjectiveTarget(
  objective: Record<string, unknown>,
  path: Path,
): number {
  const hasTarget = objective.target !== undefined && objective.target !== null;
  const hasPercent =
    objective.targetPercent !== undefined && objective.targetPercent !== null;
  if (hasTarget && hasPercent) {
    fail(path, 'must have target or targetPercent, not both');
  }
  if (hasTarget) {
    const target = objective.target;
    if (
      typeof target !== 'number' ||
      !Number.isFinite(target) ||
      target <= 0 ||
      target >= 1
    ) {
      fail(
        [...path, 'target'],
        `must be a ratio between 0 and 1 (exclusive), e.g. 0.999; got ${JSON.stringify(
          target,
        )}`,
      );
    }
    return target;
  }
  if (hasPercent) {
    const percent = objective.targetPercent;
    if (
      typeof percent !== 'number' ||
      !Number.isFinite(percent) ||
      percent <= 0 ||
      percent >= 100
    ) {
      fail(
        [...path, 'targetPercent'],
        `must be a number between 0 and 100 (exclusive), e.g. 99.9; got ${JSON.stringify(
          percent,
        )}`,
      );
    }
    return percentToRatio(percent);
  }
  return fail(
    path,
    'must have target (e.g. 0.999) or targetPercent (e.g. 99.9)',
  );
}

function parseOpenSlo(
  slo: OpenSloObject,
  slis: Map<string, OpenSloObject>,
): SloSpec[] {
  const { doc, path } = slo;
  const metadata = record(doc.metadata, [...path, 'metadata']);
  const sloName = name(metadata.name, [...path, 'metadata', 'name']);
  const specPath = [...path, 'spec'];
  const spec = record(doc.spec, specPath);

  const windowPath = [...specPath, 'timeWindow'];
  const windows = list(spec.timeWindow, windowPath);
  if (windows.length !== 1) {
    fail(windowPath, `must have exactly one item, found ${windows.length}`);
  }
  const window = text(record(windows[0], [...windowPath, 0]).duration, [
    ...windowPath,
    0,
    'duration',
  ]);
  if (!isWindowShorthand(window)) {
    fail(
      [...windowPath, 0, 'duration'],
      `'${window}' is not a duration shorthand such as 28d, 4w or 1M`,
    );
  }

  if (spec.budgetingMethod !== undefined) {
    if (!BUDGETING_METHODS.includes(spec.budgetingMethod as string)) {
      fail(
        [...specPath, 'budgetingMethod'],
        `must be one of ${BUDGETING_METHODS.join(', ')}`,
      );
    }
  }

  const service = optionalText(spec.service, [...specPath, 'service']);
  const description = optionalText(spec.description, [
    ...specPath,
    'description',
  ]);
  const shared = resolveIndicator(spec, specPath, slis);

  const objectives = list(spec.objectives, [...specPath, 'objectives']);
  const usedNames = new Set<string>();
  return objectives.map((raw, index) => {
    const objPath = [...specPath, 'objectives', index];
    const objective = record(raw, objPath);
    const target = parseObjectiveTarget(objective, objPath);
    const indicator = resolveIndicator(objective, objPath, slis) ?? shared;
    if (!indicator) {
      fail(specPath, 'must have indicator or indicatorRef');
    }
    const displayName = optionalText(objective.displayName, [
      ...objPath,
      'displayName',
    ]);
    let id = sloName;
    if (objectives.length > 1) {
      id = `${sloName}-${(displayName && slug(displayName)) || index}`;
      if (usedNames.has(id)) {
        id = `${sloName}-${index}`;
      }
    }
    usedNames.add(id);
    return {
      name: id,
      objective: target,
      window,
      ...metricNames(id, indicator.good),
      format: 'openslo' as const,
      indicator: indicator.kind,
      ...(service ? { service } : {}),
      ...(description ? { description } : {}),
      queries: indicator.queries,
    };
  });
}

// ---------------------------------------------------------------- entry

type Parsed =
  | { format: 'sloth'; doc: Record<string, unknown>; path: Path }
  | {
      format: 'openslo';
      kind: string;
      doc: Record<string, unknown>;
      path: Path;
    };

function classify(value: unknown, path: Path): Parsed {
  const doc = record(value, path);
  if (doc.version !== undefined) {
    if (doc.version !== 'prometheus/v1') {
      fail(
        [...path, 'version'],
        `unsupported Sloth version ${JSON.stringify(
          doc.version,
        )} (expected prometheus/v1)`,
      );
    }
    return { format: 'sloth', doc, path };
  }
  if (doc.apiVersion === 'sloth.slok.dev/v1') {
    if (doc.kind !== 'PrometheusServiceLevel') {
      fail([...path, 'kind'], 'must be PrometheusServiceLevel');
    }
    return {
      format: 'sloth',
      doc: record(doc.spec, [...path, 'spec']),
      path: [...path, 'spec'],
    };
  }
  if (doc.apiVersion !== undefined) {
    if (doc.apiVersion !== 'openslo/v1') {
      fail(
        [...path, 'apiVersion'],
        `unsupported apiVersion ${JSON.stringify(
          doc.apiVersion,
        )} (expected openslo/v1 or sloth.slok.dev/v1)`,
      );
    }
    const kind = text(doc.kind, [...path, 'kind']);
    if (!OPENSLO_KINDS.includes(kind)) {
      fail([...path, 'kind'], `unknown OpenSLO kind '${kind}'`);
    }
    return { format: 'openslo', kind, doc, path };
  }
  return fail(
    path,
    'is neither a Sloth document (version: prometheus/v1) nor an OpenSLO one (apiVersion: openslo/v1)',
  );
}

/**
 * Parses a file of SLOs: YAML or JSON, Sloth `prometheus/v1` (also as the
 * `sloth.slok.dev/v1` PrometheusServiceLevel resource) or OpenSLO `v1`
 * (`kind: SLO`, with `kind: SLI` objects referenced by `indicatorRef`; other
 * kinds such as Service are accepted and skipped). Several documents may be
 * separated by `---`, and an OpenSLO document may be a list of objects.
 *
 * All or nothing: an invalid file throws a {@link SloDocumentError} whose
 * message names the path and the problem, e.g.
 * `slos[0].objective (line 5): must be a number between 0 and 100
 * (exclusive), e.g. 99.9; got 120`. With several documents the path starts
 * with `documents[i]`.
 */
export function parseSloDocument(
  source: string,
  options: ParseSloOptions = {},
): SloSpec[] {
  if (typeof source !== 'string' || source.trim() === '') {
    throw new SloDocumentError('document is empty', '');
  }
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(source, {
    lineCounter,
    uniqueKeys: true,
  });
  const nonEmpty = Array.isArray(documents)
    ? documents.filter(d => d.contents !== null || d.errors.length > 0).length
    : 0;
  if (!Array.isArray(documents) || nonEmpty === 0) {
    throw new SloDocumentError('document is empty', '');
  }
  const multiple = nonEmpty > 1;

  for (const [index, document] of documents.entries()) {
    const error = document.errors[0];
    if (error) {
      const pos = lineCounter.linePos(error.pos[0]);
      const prefix = multiple ? `documents[${index}]: ` : '';
      throw new SloDocumentError(
        `${prefix}invalid YAML at line ${pos.line}, column ${
          pos.col
        }: ${error.message
          .split('\n')[0]
          .replace(/ at line \d+, column \d+:?$/, '')}`,
        multiple ? `documents[${index}]` : '',
        pos.line,
      );
    }
  }

  const objects: Parsed[] = [];
  try {
    for (const [index, document] of documents.entries()) {
      if (document.contents === null) {
        continue;
      }
      const value: unknown = document.toJS({ maxAliasCount: 100 });
      const base: Path = multiple ? ['documents', index] : [];
      const items = Array.isArray(value)
        ? value.map((item, i) => ({ item, path: [...base, i] }))
        : [{ item: value, path: base }];
      for (const { item, path } of items) {
        objects.push(classify(item, path));
      }
    }

    const slis = new Map<string, OpenSloObject>();
    for (const object of objects) {
      if (object.format === 'openslo' && object.kind === 'SLI') {
        const metadata = record(object.doc.metadata, [
          ...object.path,
          'metadata',
        ]);
        const sliName = text(metadata.name, [
          ...object.path,
          'metadata',
          'name',
        ]);
        if (slis.has(sliName)) {
          fail(
            [...object.path, 'metadata', 'name'],
            `duplicate SLI '${sliName}'`,
          );
        }
        slis.set(sliName, { doc: object.doc, path: object.path });
      }
    }

    const specs: SloSpec[] = [];
    const names = new Map<string, Path>();
    for (const object of objects) {
      let parsed: SloSpec[] = [];
      if (object.format === 'sloth') {
        parsed = parseSloth(object.doc, object.path, options);
      } else if (object.kind === 'SLO') {
        parsed = parseOpenSlo(object, slis);
      }
      for (const spec of parsed) {
        if (names.has(spec.name)) {
          fail(
            object.path,
            `duplicate SLO '${spec.name}' (also defined at ${
              formatPath(names.get(spec.name)!) || 'the top'
            })`,
          );
        }
        names.set(spec.name, object.path);
        specs.push(spec);
      }
    }
    if (specs.length === 0) {
      throw new SloDocumentError(
        'no SLO found (expected a Sloth document with slos, or an OpenSLO kind: SLO)',
        '',
      );
    }
    return specs;
  } catch (e) {
    if (e instanceof Invalid) {
      const path = formatPath(e.path);
      const line = lineOf(documents, e.path, multiple, lineCounter);
      const where = `${path || 'document'}${line ? ` (line ${line})` : ''}`;
      throw new SloDocumentError(`${where}: ${e.problem}`, path, line);
    }
    throw e;
  }
}

/** The line of the deepest existing node on a path, for error messages. */
function lineOf(
  documents: ReturnType<typeof parseAllDocuments>,
  path: Path,
  multiple: boolean,
  lineCounter: LineCounter,
): number | undefined {
  if (!Array.isArray(documents)) {
    return undefined;
  }
  let index = 0;
  let rest = [...path];
  if (multiple) {
    index = rest[1] as number;
    rest = rest.slice(2);
  } else {
    index = documents.findIndex(d => d.contents !== null);
  }
  const document = documents[index];
  if (!document) {
    return undefined;
  }
  for (let depth = rest.length; depth >= 0; depth--) {
    const node = document.getIn(rest.slice(0, depth), true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node && typeof node === 'object' && Array.isArray(node.range)) {
      return lineCounter.linePos(node.range[0]).line;
    }
  }
  return undefined;
}
