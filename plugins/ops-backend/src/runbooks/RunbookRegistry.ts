import {
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import {
  ANNOTATION_RUNBOOKS,
  LoadedRunbook,
  Runbook,
  RunbookProblem,
  runbookSchema,
  StoredRunbookVersion,
} from '@operable/backstage-plugin-ops-common';
import { resolve as resolvePath } from 'node:path';
import { EntityIndex, IndexedEntity } from '../entities';
import {
  compareSpecificity,
  runbookAppliesToEntity,
  RunbookMatchFacts,
  runbookMatches,
  runbookSpecificity,
} from './matching';
import { parseRunbookText } from './parseRunbookFile';
import {
  readSource,
  resolveAnnotationSource,
  SourceSpec,
  sourceKey,
  sourceLocation,
  SourceFile,
  SourceRead,
  UrlCacheEntry,
} from './sources';

/** Where the registry's entities come from; CatalogEntityIndex is one. */
export interface RunbookEntitySource {
  get(): Promise<EntityIndex>;
}

/**
 * Runbooks kept in the database (accepted from the learning loop's drafts):
 * the current version of each.
 */
export interface StoredRunbookSource {
  list(): Promise<StoredRunbookVersion[]>;
}

/** Where a stored runbook version is said to come from. */
export function storedRunbookLocation(version: {
  runbookId: string;
  version: number;
}): string {
  return `database:${version.runbookId}@v${version.version}`;
}

export interface RunbookRegistryOptions {
  /**
   * The app's runbook folders (or files); relative ones resolve against
   * `workingDirectory`.
   */
  paths: string[];
  urlReader: UrlReaderService;
  entities: RunbookEntitySource;
  logger: LoggerService;
  /** Default: the process's working directory, as for Backstage file locations. */
  workingDirectory?: string;
  /** Default: the system clock. */
  now?: () => Date;
  /**
   * Runbooks kept in the database, read at every refresh beside the files:
   * origin `database`, source `database:<id>@v<version>`, applying by their
   * `match` alone. A file runbook keeps its id; a stored one with the same
   * id is reported as a problem.
   */
  stored?: StoredRunbookSource;
  /**
   * Told whenever `match` picks a runbook for an incident, so that runbooks
   * that stop matching can be flagged stale. A failure is logged, never
   * thrown: tiering does not wait for it.
   */
  usage?: RunbookMatchRecorder;
}

/** Records when runbooks matched (the learning loop's `RunbookUsage` is one). */
export interface RunbookMatchRecorder {
  touch(runbookId: string, at: Date): Promise<void>;
}

/** What one refresh loaded. */
export interface RunbookRefreshSummary {
  runbooks: number;
  problems: number;
  refreshedAt: string;
}

/** To whom a file (or a problem) applies: the app's folders, or entities. */
interface Scope {
  fromConfig: boolean;
  entityRefs: Set<string>;
}

interface Entry extends Scope {
  loaded: LoadedRunbook;
}

interface ProblemEntry extends Scope {
  problem: RunbookProblem;
  /** The version of the file that serves while it is broken, if any. */
  serving?: Runbook;
}

interface Snapshot {
  byId: Map<string, Entry>;
  problems: ProblemEntry[];
  index: EntityIndex;
}

interface GoodVersion {
  runbook: Runbook;
  text: string;
  loadedAt: string;
}

interface FileState extends Scope {
  location: string;
  order: number;
  text?: string;
  error?: string;
  /** The source could not be read this time: serve the last good version quietly. */
  unreadable?: boolean;
}

// Sources read at once; the UrlReader and the disk do not like a stampede.
const READ_CONCURRENCY = 4;

async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

function normaliseRef(ref: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind: 'component' }),
    );
  } catch {
    return ref;
  }
}

/** An entity the index does not know: only its ref, kind and name. */
function bareEntity(ref: string): IndexedEntity {
  let kind = 'component';
  let name = ref;
  try {
    const parsed = parseEntityRef(ref, { defaultKind: 'component' });
    kind = parsed.kind.toLocaleLowerCase('en-US');
    name = parsed.name;
  } catch {
    // Matches by ref only.
  }
  return {
    ref,
    kind,
    name,
    substrate: false,
    annotations: {},
    relations: [],
  };
}

function applies(scope: Scope, entityRef: string) {
  return scope.fromConfig || scope.entityRefs.has(entityRef);
}

/**
 * The runbooks the ops agent knows, from the app's folders (config
 * `ops.runbooks.paths`) and from each catalog entity's
 * `operable.dev/runbooks` annotation.
 *
 * Runbooks from the app's folders apply to incidents by their `match` alone;
 * those named by an entity's annotation apply to that entity (and to every
 * other entity whose annotation names the same file), when their `match`
 * holds too. A file read through both is one runbook.
 *
 * `refresh()` reads every source again: each folder or file once however many
 * entities name it, through the UrlReader with ETags. A file that became
 * invalid reports its problems and its last good version keeps serving; a
 * file that is gone disappears; a source that cannot be read right now keeps
 * its files' last good versions. Reads are synchronous and answer from the
 * last refresh.
 *
 * With a `stored` source, the runbooks kept in the database (accepted from
 * the learning loop's drafts) are read at every refresh too and apply by
 * their `match` alone; where a file and a stored runbook share an id, the
 * file keeps it and the stored one is a problem. With `usage`, every runbook
 * `match` picks is recorded.
 */
export class RunbookRegistry {
  private snapshot: Snapshot = {
    byId: new Map(),
    problems: [],
    index: new EntityIndex(),
  };
  private readonly good = new Map<string, GoodVersion>();
  private readonly urlCache = new Map<string, UrlCacheEntry>();
  /** Per source: the files it had when it was last read. */
  private readonly sourceFiles = new Map<string, string[]>();
  private reported = new Set<string>();
  /** The stored runbooks of the last refresh that could read them. */
  private lastStored: StoredRunbookVersion[] = [];
  private running?: Promise<RunbookRefreshSummary>;
  private queued?: Promise<RunbookRefreshSummary>;
  private readonly now: () => Date;

  /** Reads `ops.runbooks.paths` (a string array; default none). */
  static fromConfig(
    config: RootConfigService,
    options: Omit<RunbookRegistryOptions, 'paths'>,
  ): RunbookRegistry {
    // getOptionalStringArray fails with the key's name on a wrong type.
    const paths = config.getOptionalStringArray('ops.runbooks.paths') ?? [];
    return new RunbookRegistry({ ...options, paths });
  }

  constructor(private readonly options: RunbookRegistryOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Reads every source again. Calls while one runs wait for one more refresh
   * after it, so that a change made during a refresh is never missed.
   */
  refresh(): Promise<RunbookRefreshSummary> {
    if (!this.running) {
      this.running = this.load().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    if (!this.queued) {
      this.queued = this.running
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          return this.refresh();
        });
    }
    return this.queued;
  }

  /** Every loaded runbook, by id. */
  all(): LoadedRunbook[] {
    return [...this.snapshot.byId.values()]
      .map(e => e.loaded)
      .sort((a, b) => a.runbook.id.localeCompare(b.runbook.id));
  }

  get(id: string): LoadedRunbook | undefined {
    return this.snapshot.byId.get(id)?.loaded;
  }

  /** Every problem of the last refresh. */
  problems(): RunbookProblem[] {
    return this.snapshot.problems.map(p => p.problem);
  }

  /**
   * The runbooks that could apply to the entity, whatever their lifecycle:
   * from the app's folders or the entity's own annotation, with entity
   * selectors that hold for it.
   */
  forEntity(entityRef: string): LoadedRunbook[] {
    const ref = normaliseRef(entityRef);
    const entity = this.snapshot.index.get(ref) ?? bareEntity(ref);
    return this.candidates(entity).map(e => e.loaded);
  }

  /**
   * Problems of the sources that apply to the entity: its annotation's
   * location and the app's folders — except files of the app's folders whose
   * serving version is for other entities.
   */
  problemsFor(entityRef: string): RunbookProblem[] {
    const ref = normaliseRef(entityRef);
    const entity = this.snapshot.index.get(ref) ?? bareEntity(ref);
    return this.snapshot.problems
      .filter(
        p =>
          p.entityRefs.has(ref) ||
          (p.fromConfig &&
            (!p.serving || runbookAppliesToEntity(p.serving, entity))),
      )
      .map(p => p.problem);
  }

  /**
   * The runbook for an incident, if any: among the runbooks that apply to
   * the entity and match the facts (see `runbookMatches`), the most specific
   * (see `runbookSpecificity`): one naming the entity by ref, then one from
   * the entity's own annotation, then one naming signals, then the one with
   * the most constraints, active before deprecated, then by id.
   */
  match(facts: RunbookMatchFacts): LoadedRunbook | undefined {
    const ref = facts.entity.ref;
    const [best] = this.candidates(facts.entity)
      .filter(e => runbookMatches(e.loaded.runbook, facts))
      .map(e => ({
        entry: e,
        runbook: e.loaded.runbook,
        specificity: runbookSpecificity(e.loaded.runbook, {
          fromEntityAnnotation: e.entityRefs.has(ref),
        }),
      }))
      .sort(compareSpecificity);
    if (best) this.recordMatch(best.runbook.id);
    return best?.entry.loaded;
  }

  private recordMatch(runbookId: string) {
    const { usage, logger } = this.options;
    if (!usage) return;
    let recorded: Promise<void>;
    try {
      recorded = usage.touch(runbookId, this.now());
    } catch (error) {
      recorded = Promise.reject(error);
    }
    recorded.catch(error =>
      logger.warn(`Could not record that ${runbookId} matched: ${error}`),
    );
  }

  private candidates(entity: IndexedEntity): Entry[] {
    return [...this.snapshot.byId.values()]
      .filter(
        e =>
          applies(e, entity.ref) &&
          runbookAppliesToEntity(e.loaded.runbook, entity),
      )
      .sort((a, b) => a.loaded.runbook.id.localeCompare(b.loaded.runbook.id));
  }

  private async load(): Promise<RunbookRefreshSummary> {
    const index = await this.options.entities.get();
    const problems: ProblemEntry[] = [];

    // Every source once, with everyone it applies to.
    const sources = new Map<string, Scope & { source: SourceSpec }>();
    const addSource = (source: SourceSpec, scope: (s: Scope) => void) => {
      const key = sourceKey(source);
      const existing = sources.get(key) ?? {
        source,
        fromConfig: false,
        entityRefs: new Set<string>(),
      };
      scope(existing);
      sources.set(key, existing);
    };
    const cwd = this.options.workingDirectory ?? process.cwd();
    for (const path of this.options.paths) {
      addSource({ type: 'path', path: resolvePath(cwd, path) }, s => {
        s.fromConfig = true;
      });
    }
    const entities = [...index.all()].sort((a, b) =>
      a.ref.localeCompare(b.ref),
    );
    for (const entity of entities) {
      const value = entity.annotations[ANNOTATION_RUNBOOKS];
      if (!value) continue;
      try {
        addSource(resolveAnnotationSource(entity, value), s => {
          s.entityRefs.add(entity.ref);
        });
      } catch (error) {
        problems.push({
          fromConfig: false,
          entityRefs: new Set([entity.ref]),
          problem: {
            location: value,
            message: `${ANNOTATION_RUNBOOKS} of ${entity.ref}: ${
              isError(error) ? error.message : String(error)
            }`,
          },
        });
      }
    }

    const sourceList = [...sources.entries()];
    const reads: SourceRead[] = await mapLimit(
      sourceList,
      READ_CONCURRENCY,
      ([, { source }]) =>
        readSource(source, this.options.urlReader, this.urlCache),
    );

    // Every file once, with the union of the scopes of the sources holding it.
    const files = new Map<string, FileState>();
    const addFile = (
      file: SourceFile & { unreadable?: boolean },
      scope: Scope,
    ) => {
      const state = files.get(file.location) ?? {
        location: file.location,
        order: files.size,
        fromConfig: false,
        entityRefs: new Set<string>(),
      };
      if (file.text !== undefined) {
        state.text = file.text;
        state.error = undefined;
        state.unreadable = undefined;
      } else if (state.text === undefined) {
        if (file.error) state.error = file.error;
        if (file.unreadable && !state.error) state.unreadable = true;
      }
      state.fromConfig ||= scope.fromConfig;
      scope.entityRefs.forEach(r => state.entityRefs.add(r));
      files.set(file.location, state);
    };
    sourceList.forEach(([key, scope], i) => {
      const read = reads[i];
      if ('files' in read) {
        this.sourceFiles.set(
          key,
          read.files.map(f => f.location),
        );
        read.files.forEach(f => addFile(f, scope));
        return;
      }
      problems.push({
        fromConfig: scope.fromConfig,
        entityRefs: new Set(scope.entityRefs),
        problem: {
          location: sourceLocation(scope.source),
          message: read.error,
        },
      });
      if (read.gone) {
        this.sourceFiles.delete(key);
      } else {
        for (const location of this.sourceFiles.get(key) ?? []) {
          addFile({ location, unreadable: true }, scope);
        }
      }
    });
    for (const key of [...this.sourceFiles.keys()]) {
      if (!sources.has(key)) this.sourceFiles.delete(key);
    }

    // Parse; a broken file falls back to its last good version.
    const loadedAt = this.now().toISOString();
    type Candidate = {
      file: FileState;
      runbook: Runbook;
      loadedAt: string;
      fresh: boolean;
      idPosition?: { line: number; column: number };
    };
    const candidates: Candidate[] = [];
    const fileProblems = new Map<string, RunbookProblem[]>();
    for (const file of [...files.values()].sort((a, b) => a.order - b.order)) {
      const previous = this.good.get(file.location);
      if (file.text !== undefined) {
        const parsed = parseRunbookText(file.text, file.location);
        if ('runbook' in parsed) {
          const unchanged = previous?.text === file.text;
          const version: GoodVersion = {
            runbook: unchanged ? previous.runbook : parsed.runbook,
            text: file.text,
            loadedAt: unchanged ? previous.loadedAt : loadedAt,
          };
          this.good.set(file.location, version);
          candidates.push({
            file,
            runbook: version.runbook,
            loadedAt: version.loadedAt,
            fresh: true,
            idPosition: parsed.positionOf(['id']),
          });
          continue;
        }
        fileProblems.set(file.location, parsed.problems);
      } else if (file.error) {
        fileProblems.set(file.location, [
          { location: file.location, message: file.error },
        ]);
      }
      if (previous) {
        candidates.push({
          file,
          runbook: previous.runbook,
          loadedAt: previous.loadedAt,
          fresh: false,
        });
      }
    }
    for (const location of [...this.good.keys()]) {
      if (!files.has(location)) this.good.delete(location);
    }

    // Ids are unique: the file that held an id keeps it, else the first file.
    const heldBefore = (c: Candidate) =>
      this.snapshot.byId.get(c.runbook.id)?.loaded.source === c.file.location;
    candidates.sort(
      (a, b) =>
        Number(heldBefore(b)) - Number(heldBefore(a)) ||
        a.file.order - b.file.order,
    );
    const byId = new Map<string, Entry>();
    const serving = new Map<string, Runbook>();
    for (const c of candidates) {
      const holder = byId.get(c.runbook.id);
      if (holder) {
        const list = fileProblems.get(c.file.location) ?? [];
        list.push({
          location: c.file.location,
          ...(c.fresh ? c.idPosition : {}),
          message: `id "${c.runbook.id}" is already used by ${holder.loaded.source}; runbook ids must be unique`,
          runbookId: c.runbook.id,
        });
        fileProblems.set(c.file.location, list);
        continue;
      }
      serving.set(c.file.location, c.runbook);
      byId.set(c.runbook.id, {
        fromConfig: c.file.fromConfig,
        entityRefs: c.file.entityRefs,
        loaded: {
          runbook: c.runbook,
          source: c.file.location,
          origin: c.file.fromConfig
            ? 'config'
            : [...c.file.entityRefs].sort()[0] ?? 'config',
          loadedAt: c.loadedAt,
        },
      });
    }
    problems.push(...(await this.loadStored(byId)));
    for (const [location, list] of fileProblems) {
      const file = files.get(location)!;
      for (const problem of list) {
        problems.push({
          fromConfig: file.fromConfig,
          entityRefs: file.entityRefs,
          problem,
          serving: serving.get(location),
        });
      }
    }

    this.snapshot = { byId, problems, index };
    this.logNewProblems(problems.map(p => p.problem));
    return {
      runbooks: byId.size,
      problems: problems.length,
      refreshedAt: loadedAt,
    };
  }

  /**
   * Adds the stored runbooks to the runbooks of the files; returns their
   * problems. When the database cannot be read, the stored runbooks of the
   * last refresh keep serving.
   */
  private async loadStored(byId: Map<string, Entry>): Promise<ProblemEntry[]> {
    if (!this.options.stored) return [];
    const problems: ProblemEntry[] = [];
    let versions = this.lastStored;
    try {
      versions = await this.options.stored.list();
      this.lastStored = versions;
    } catch (error) {
      problems.push({
        fromConfig: true,
        entityRefs: new Set(),
        problem: {
          location: 'database',
          message: `could not read the stored runbooks: ${
            isError(error) ? error.message : String(error)
          }`,
        },
      });
    }
    for (const version of versions) {
      const location = storedRunbookLocation(version);
      const scope = {
        fromConfig: true,
        entityRefs: new Set(version.entityRef ? [version.entityRef] : []),
      };
      // The row says which version and lifecycle it is; the runbook agrees.
      const parsed = runbookSchema.safeParse({
        ...version.runbook,
        version: String(version.version),
        lifecycle: version.lifecycle,
      });
      if (!parsed.success) {
        const [issue] = parsed.error.issues;
        problems.push({
          ...scope,
          problem: {
            location,
            message: `the stored runbook is not valid: ${
              issue.path.join('.') || 'runbook'
            }: ${issue.message}`,
            runbookId: version.runbookId,
          },
        });
        continue;
      }
      const runbook = parsed.data;
      const holder = byId.get(runbook.id);
      if (holder) {
        problems.push({
          ...scope,
          problem: {
            location,
            message: `id "${runbook.id}" is already used by ${holder.loaded.source}; runbook ids must be unique, and the file keeps it: retire the stored runbook`,
            runbookId: runbook.id,
          },
          serving: runbook,
        });
        continue;
      }
      byId.set(runbook.id, {
        fromConfig: true,
        entityRefs: new Set(),
        loaded: {
          runbook,
          source: location,
          origin: 'database',
          loadedAt: version.createdAt,
        },
      });
    }
    return problems;
  }

  /** Logs each problem once, when it appears, not at every refresh. */
  private logNewProblems(problems: RunbookProblem[]) {
    const keys = new Set<string>();
    for (const p of problems) {
      const where = [p.location, p.line, p.column].filter(Boolean).join(':');
      const key = `${where} ${p.message}`;
      keys.add(key);
      if (!this.reported.has(key)) {
        this.options.logger.warn(`Runbook problem at ${key}`);
      }
    }
    this.reported = keys;
  }
}
