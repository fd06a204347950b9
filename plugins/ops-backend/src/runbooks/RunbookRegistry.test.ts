import {
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError, NotModifiedError } from '@backstage/errors';
import {
  Runbook,
  runbookSchema,
  StoredRunbookVersion,
} from '@operable/backstage-plugin-ops-common';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { ConfigReader } from '@backstage/config';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { EntityIndex, IndexedEntity, indexEntity } from '../entities';
import { RunbookMatchFacts } from './matching';
import { RunbookRegistry } from './RunbookRegistry';

/**
 * A UrlReader serving files from a map of URL to text, as a real one serves
 * a repository: readUrl for a file, readTree for everything under a folder,
 * ETags that change with the content, NotFoundError for what is not there.
 */
class MapUrlReader implements UrlReaderService {
  readonly files = new Map<string, string>();
  readonly calls: Array<{ method: string; url: string; etag?: string }> = [];
  failing?: Error;

  async readUrl(
    url: string,
    options?: UrlReaderServiceReadUrlOptions,
  ): Promise<UrlReaderServiceReadUrlResponse> {
    this.calls.push({ method: 'readUrl', url, etag: options?.etag });
    if (this.failing) throw this.failing;
    const text = this.files.get(url);
    if (text === undefined) throw new NotFoundError(`${url} not found`);
    const etag = hash(text);
    if (options?.etag === etag) throw new NotModifiedError();
    return { buffer: async () => Buffer.from(text), etag };
  }

  async readTree(
    url: string,
    options?: UrlReaderServiceReadTreeOptions,
  ): Promise<UrlReaderServiceReadTreeResponse> {
    this.calls.push({ method: 'readTree', url, etag: options?.etag });
    if (this.failing) throw this.failing;
    const prefix = `${url.replace(/\/+$/, '')}/`;
    const entries = [...this.files.entries()]
      .filter(([u]) => u.startsWith(prefix))
      .map(([u, text]) => ({ path: u.slice(prefix.length), text }));
    if (entries.length === 0) throw new NotFoundError(`${url} not found`);
    const etag = hash(JSON.stringify(entries));
    if (options?.etag === etag) throw new NotModifiedError();
    return {
      etag,
      files: async () =>
        entries
          .filter(e => !options?.filter || options.filter(e.path))
          .map(e => ({
            path: e.path,
            content: async () => Buffer.from(e.text),
          })),
      archive: async () => {
        throw new Error('not used');
      },
      dir: async () => {
        throw new Error('not used');
      },
    };
  }

  async search(): Promise<never> {
    throw new Error('not used');
  }

  count(method: string, url?: string) {
    return this.calls.filter(
      c => c.method === method && (url === undefined || c.url === url),
    ).length;
  }
}

function hash(text: string) {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

function runbookYaml(
  id: string,
  options: {
    match?: string;
    version?: string;
    lifecycle?: string;
  } = {},
) {
  return [
    `id: ${id}`,
    `title: Runbook ${id}`,
    'owner: group:default/payments',
    `version: "${options.version ?? '1'}"`,
    `lifecycle: ${options.lifecycle ?? 'active'}`,
    'match:',
    `  ${options.match ?? 'signals: [HighErrorRate]'}`,
    'remediation:',
    '  - id: fix',
    '    action: http:request',
    '',
  ].join('\n');
}

function entity(
  name: string,
  options: {
    kind?: string;
    runbooks?: string;
    location?: string;
    owner?: string;
  } = {},
): IndexedEntity {
  return indexEntity({
    apiVersion: 'backstage.io/v1alpha1',
    kind: options.kind ?? 'Component',
    metadata: {
      name,
      annotations: {
        ...(options.runbooks
          ? { 'operable.dev/runbooks': options.runbooks }
          : {}),
        ...(options.location
          ? { 'backstage.io/managed-by-location': options.location }
          : {}),
      },
    },
    spec: { type: 'service', owner: options.owner ?? 'group:default/payments' },
  } as Entity);
}

function facts(
  target: IndexedEntity,
  name = 'HighErrorRate',
): RunbookMatchFacts {
  return {
    entity: target,
    incident: {
      layer: 'product',
      name,
      labels: { alertname: name },
      severity: 'critical',
      fingerprint: 'f1',
    },
    tierWithoutRunbook: 'novel',
  };
}

describe('RunbookRegistry', () => {
  const dir = createMockDirectory();
  let reader: MapUrlReader;
  let index: EntityIndex;
  let clock: number;

  beforeEach(() => {
    dir.clear();
    reader = new MapUrlReader();
    index = new EntityIndex([]);
    clock = Date.parse('2026-05-01T10:00:00Z');
  });

  function registry(paths: string[] = ['runbooks']) {
    return new RunbookRegistry({
      paths,
      urlReader: reader,
      entities: { get: async () => index },
      logger: mockServices.logger.mock(),
      workingDirectory: dir.path,
      now: () => new Date((clock += 1000)),
    });
  }

  describe('from the app folders', () => {
    it('loads every YAML file of the folders, relative to the working directory', async () => {
      dir.setContent({
        runbooks: {
          'a.yaml': runbookYaml('a'),
          'README.md': '# not a runbook',
          '.hidden.yaml': 'not: loaded',
          nested: { 'b.yml': runbookYaml('b') },
        },
        elsewhere: { 'c.yaml': runbookYaml('c') },
      });
      const runbooks = registry(['runbooks', dir.resolve('elsewhere')]);
      expect(runbooks.all()).toEqual([]);
      expect(await runbooks.refresh()).toEqual({
        runbooks: 3,
        problems: 0,
        refreshedAt: expect.any(String),
      });
      expect(
        runbooks.all().map(r => [r.runbook.id, r.source, r.origin]),
      ).toEqual([
        ['a', dir.resolve('runbooks/a.yaml'), 'config'],
        ['b', dir.resolve('runbooks/nested/b.yml'), 'config'],
        ['c', dir.resolve('elsewhere/c.yaml'), 'config'],
      ]);
      expect(runbooks.get('b')?.runbook.title).toBe('Runbook b');
      expect(runbooks.get('nope')).toBeUndefined();
      expect(runbooks.problems()).toEqual([]);
    });

    it('reports an invalid file with line and column and loads nothing of it', async () => {
      dir.setContent({
        runbooks: {
          'good.yaml': runbookYaml('good'),
          'bad.yaml': runbookYaml('bad', { lifecycle: 'live' }),
        },
      });
      const runbooks = registry();
      expect(await runbooks.refresh()).toMatchObject({
        runbooks: 1,
        problems: 1,
      });
      expect(runbooks.all().map(r => r.runbook.id)).toEqual(['good']);
      expect(runbooks.problems()).toEqual([
        {
          location: dir.resolve('runbooks/bad.yaml'),
          line: 5,
          column: 12,
          message:
            'lifecycle must be one of draft, active, deprecated, retired, not "live"',
          runbookId: 'bad',
        },
      ]);
    });

    it('reports a folder that does not exist', async () => {
      const runbooks = registry(['missing']);
      await runbooks.refresh();
      expect(runbooks.problems()).toEqual([
        {
          location: dir.resolve('missing'),
          message: `${dir.resolve('missing')} does not exist`,
        },
      ]);
    });

    it('keeps the last good version of a file that became invalid, and drops a deleted file', async () => {
      dir.setContent({
        runbooks: {
          'a.yaml': runbookYaml('a', { version: '1' }),
          'b.yaml': runbookYaml('b'),
        },
      });
      const runbooks = registry();
      await runbooks.refresh();
      const firstLoad = runbooks.get('a')!.loadedAt;

      // Unchanged: the same version, loaded when it was first loaded.
      await runbooks.refresh();
      expect(runbooks.get('a')!.loadedAt).toBe(firstLoad);

      dir.addContent({
        runbooks: { 'a.yaml': `${runbookYaml('a', { version: '2' })}oops: [` },
      });
      rmSync(dir.resolve('runbooks/b.yaml'));
      await runbooks.refresh();
      expect(runbooks.get('a')!.runbook.version).toBe('1');
      expect(runbooks.get('a')!.loadedAt).toBe(firstLoad);
      expect(runbooks.get('b')).toBeUndefined();
      expect(runbooks.problems()).toEqual([
        expect.objectContaining({
          location: dir.resolve('runbooks/a.yaml'),
          line: expect.any(Number),
          message: expect.stringMatching(/^invalid YAML: /),
        }),
      ]);

      dir.addContent({
        runbooks: { 'a.yaml': runbookYaml('a', { version: '3' }) },
      });
      await runbooks.refresh();
      expect(runbooks.get('a')!.runbook.version).toBe('3');
      expect(runbooks.get('a')!.loadedAt).not.toBe(firstLoad);
      expect(runbooks.problems()).toEqual([]);
    });

    it('reports a duplicated id at the second file, and the file that held the id keeps it', async () => {
      dir.setContent({ runbooks: { 'm.yaml': runbookYaml('same') } });
      const runbooks = registry();
      await runbooks.refresh();

      // a.yaml comes first in the folder, but m.yaml held the id already.
      dir.addContent({
        runbooks: { 'a.yaml': runbookYaml('same', { version: '9' }) },
      });
      await runbooks.refresh();
      expect(runbooks.get('same')!.source).toBe(dir.resolve('runbooks/m.yaml'));
      expect(runbooks.problems()).toEqual([
        {
          location: dir.resolve('runbooks/a.yaml'),
          line: 1,
          column: 5,
          message: `id "same" is already used by ${dir.resolve(
            'runbooks/m.yaml',
          )}; runbook ids must be unique`,
          runbookId: 'same',
        },
      ]);

      // On a fresh start, the first file in order gets it.
      const fresh = registry();
      await fresh.refresh();
      expect(fresh.get('same')!.source).toBe(dir.resolve('runbooks/a.yaml'));
      expect(fresh.problems().map(p => p.location)).toEqual([
        dir.resolve('runbooks/m.yaml'),
      ]);
    });

    it('applies by match alone', async () => {
      dir.setContent({
        runbooks: {
          'any.yaml': runbookYaml('any'),
          'storefront.yaml': runbookYaml('storefront', {
            match: 'entity: { owner: [group:default/storefront] }',
          }),
        },
      });
      index = new EntityIndex([entity('checkout-api')]);
      const runbooks = registry();
      await runbooks.refresh();
      expect(
        runbooks
          .forEntity('component:default/checkout-api')
          .map(r => r.runbook.id),
      ).toEqual(['any']);
      expect(runbooks.match(facts(entity('checkout-api')))?.runbook.id).toBe(
        'any',
      );
      expect(
        runbooks.match(facts(entity('checkout-api'), 'Other')),
      ).toBeUndefined();
    });
  });

  describe('from entity annotations', () => {
    it('reads dir: and file: relative to the entity file, for that entity only', async () => {
      dir.setContent({
        catalog: { 'checkout.yaml': '' },
        runbooks: {
          'checkout.yaml': runbookYaml('checkout'),
          'search.yaml': runbookYaml('search'),
        },
        'one.yaml': runbookYaml('one-file'),
      });
      const location = `file:${dir.resolve('catalog/checkout.yaml')}`;
      const checkout = entity('checkout-api', {
        runbooks: 'dir:../runbooks',
        location,
      });
      const payment = entity('payment-service', {
        runbooks: 'file:../one.yaml',
        location,
      });
      const search = entity('search-api');
      index = new EntityIndex([checkout, payment, search]);
      const runbooks = registry([]);
      await runbooks.refresh();
      expect(runbooks.problems()).toEqual([]);
      expect(
        runbooks.forEntity('checkout-api').map(r => [r.runbook.id, r.origin]),
      ).toEqual([
        ['checkout', 'component:default/checkout-api'],
        ['search', 'component:default/checkout-api'],
      ]);
      expect(
        runbooks
          .forEntity('component:default/payment-service')
          .map(r => r.runbook.id),
      ).toEqual(['one-file']);
      expect(runbooks.forEntity('component:default/search-api')).toEqual([]);
      expect(runbooks.match(facts(checkout))?.runbook.id).toBe('checkout');
      expect(runbooks.match(facts(search))).toBeUndefined();
    });

    it('reads a url: folder once however many entities name it, and a url: file', async () => {
      reader.files.set(
        'https://git.example/acme/ops/tree/main/runbooks/a.yaml',
        runbookYaml('a'),
      );
      reader.files.set(
        'https://git.example/acme/ops/tree/main/runbooks/sub/b.yml',
        runbookYaml('b'),
      );
      reader.files.set(
        'https://git.example/acme/ops/tree/main/runbooks/notes.md',
        '# notes',
      );
      reader.files.set(
        'https://git.example/acme/ops/blob/main/c.yaml',
        runbookYaml('c'),
      );
      const folder = 'url:https://git.example/acme/ops/tree/main/runbooks';
      index = new EntityIndex([
        entity('one', { runbooks: folder }),
        entity('two', { runbooks: folder }),
        entity('three', {
          runbooks: 'url:https://git.example/acme/ops/blob/main/c.yaml',
        }),
      ]);
      const runbooks = registry([]);
      await runbooks.refresh();
      expect(reader.count('readTree')).toBe(1);
      expect(reader.count('readUrl')).toBe(1);
      expect(runbooks.all().map(r => [r.runbook.id, r.source])).toEqual([
        ['a', 'https://git.example/acme/ops/tree/main/runbooks/a.yaml'],
        ['b', 'https://git.example/acme/ops/tree/main/runbooks/sub/b.yml'],
        ['c', 'https://git.example/acme/ops/blob/main/c.yaml'],
      ]);
      expect(runbooks.forEntity('one').map(r => r.runbook.id)).toEqual([
        'a',
        'b',
      ]);
      expect(runbooks.forEntity('two').map(r => r.runbook.id)).toEqual([
        'a',
        'b',
      ]);
      expect(runbooks.forEntity('three').map(r => r.runbook.id)).toEqual(['c']);

      // The second refresh sends the ETags and serves what did not change.
      await runbooks.refresh();
      expect(reader.calls.slice(-2).map(c => Boolean(c.etag))).toEqual([
        true,
        true,
      ]);
      expect(runbooks.all()).toHaveLength(3);
    });

    it("reads a url: file through Backstage's own UrlReader, sending its ETag and following its changes", async () => {
      // A plain HTTP host allowed in backend.reading.allow: Backstage's
      // FetchUrlReader serves it (a url: folder needs an integration with
      // trees, such as GitHub's).
      let body = runbookYaml('remote', { version: '1' });
      const seen: Array<string | undefined> = [];
      const server = createServer((req, res) => {
        const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
        seen.push(req.headers['if-none-match']);
        if (req.url !== '/ops/checkout.yaml') {
          res.writeHead(404).end();
        } else if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { ETag: etag }).end();
        } else {
          res.writeHead(200, { ETag: etag, 'Content-Type': 'text/yaml' });
          res.end(body);
        }
      });
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
      try {
        const { port } = server.address() as AddressInfo;
        const url = `http://127.0.0.1:${port}/ops/checkout.yaml`;
        const urlReader = UrlReaders.default({
          logger: mockServices.logger.mock(),
          config: new ConfigReader({
            backend: { reading: { allow: [{ host: `127.0.0.1:${port}` }] } },
          }),
        });
        index = new EntityIndex([entity('one', { runbooks: `url:${url}` })]);
        const runbooks = new RunbookRegistry({
          paths: [],
          urlReader,
          entities: { get: async () => index },
          logger: mockServices.logger.mock(),
          workingDirectory: dir.path,
        });
        await runbooks.refresh();
        expect(
          runbooks.forEntity('one').map(r => [r.runbook.id, r.source]),
        ).toEqual([['remote', url]]);
        // Unchanged: the ETag goes along, and the answer is a 304.
        await runbooks.refresh();
        expect(seen).toHaveLength(2);
        expect(seen[1]).toMatch(/^"[0-9a-f]{40}"$/);
        expect(runbooks.get('remote')?.runbook.version).toBe('1');
        // Changed: the new version serves.
        body = runbookYaml('remote', { version: '2' });
        await runbooks.refresh();
        expect(runbooks.get('remote')?.runbook.version).toBe('2');
        expect(runbooks.problems()).toEqual([]);
      } finally {
        server.close();
      }
    });

    it('resolves dir: and file: against an entity read from a URL', async () => {
      reader.files.set(
        'https://git.example/acme/shop/blob/main/runbooks/r.yaml',
        runbookYaml('r'),
      );
      reader.files.set(
        'https://git.example/acme/shop/blob/main/ops/one.yaml',
        runbookYaml('one'),
      );
      const location =
        'url:https://git.example/acme/shop/blob/main/catalog-info.yaml';
      index = new EntityIndex([
        entity('shop', { runbooks: 'dir:./runbooks', location }),
        entity('till', { runbooks: 'file:ops/one.yaml', location }),
      ]);
      const runbooks = registry([]);
      await runbooks.refresh();
      expect(reader.calls.map(c => [c.method, c.url])).toEqual([
        ['readTree', 'https://git.example/acme/shop/blob/main/runbooks'],
        ['readUrl', 'https://git.example/acme/shop/blob/main/ops/one.yaml'],
      ]);
      expect(runbooks.forEntity('shop').map(r => r.runbook.id)).toEqual(['r']);
      expect(runbooks.forEntity('till').map(r => r.runbook.id)).toEqual([
        'one',
      ]);
    });

    it('keeps serving when a URL cannot be read, and drops what is gone', async () => {
      const url = 'https://git.example/acme/ops/blob/main/a.yaml';
      reader.files.set(url, runbookYaml('a'));
      index = new EntityIndex([entity('one', { runbooks: `url:${url}` })]);
      const runbooks = registry([]);
      await runbooks.refresh();

      reader.failing = new Error('connect ECONNREFUSED');
      await runbooks.refresh();
      expect(runbooks.get('a')).toBeDefined();
      expect(runbooks.problemsFor('component:default/one')).toEqual([
        {
          location: url,
          message: `could not read ${url}: connect ECONNREFUSED`,
        },
      ]);

      reader.failing = undefined;
      reader.files.delete(url);
      await runbooks.refresh();
      expect(runbooks.get('a')).toBeUndefined();
      expect(runbooks.problems()).toEqual([
        { location: url, message: `${url} does not exist` },
      ]);
    });

    it('reports a malformed annotation for its entity', async () => {
      index = new EntityIndex([
        entity('one', { runbooks: 'runbooks/' }),
        entity('two', { runbooks: 'dir:../runbooks' }),
      ]);
      const runbooks = registry([]);
      await runbooks.refresh();
      expect(runbooks.problemsFor('one')).toEqual([
        {
          location: 'runbooks/',
          message:
            'operable.dev/runbooks of component:default/one: "runbooks/" is not a location; expected url:<url>, file:<path> or dir:<path>',
        },
      ]);
      expect(runbooks.problemsFor('two')).toEqual([
        {
          location: 'dir:../runbooks',
          message:
            "operable.dev/runbooks of component:default/two: a dir: location is relative to the entity's own file, and where that is (backstage.io/managed-by-location) is not known; use url: instead",
        },
      ]);
    });

    it('loads a file named by config and by an annotation once, as config', async () => {
      dir.setContent({
        catalog: { 'all.yaml': '' },
        runbooks: { 'a.yaml': runbookYaml('a') },
      });
      index = new EntityIndex([
        entity('one', {
          runbooks: 'dir:../runbooks',
          location: `file:${dir.resolve('catalog/all.yaml')}`,
        }),
      ]);
      const runbooks = registry(['runbooks']);
      await runbooks.refresh();
      expect(runbooks.problems()).toEqual([]);
      expect(runbooks.all().map(r => r.origin)).toEqual(['config']);
    });
  });

  describe('problemsFor', () => {
    it("gives the entity's own problems and those of the app folders, except files for other entities", async () => {
      dir.setContent({
        catalog: { 'c.yaml': '' },
        own: { 'broken.yaml': 'id: [' },
        runbooks: {
          'broken.yaml': runbookYaml('cfg', { lifecycle: 'x' }),
          'other.yaml': runbookYaml('other', {
            match: 'entity: { ref: [component:default/two] }',
          }),
        },
      });
      const location = `file:${dir.resolve('catalog/c.yaml')}`;
      index = new EntityIndex([
        entity('one', { runbooks: 'dir:../own', location }),
        entity('two'),
      ]);
      const runbooks = registry(['runbooks']);
      await runbooks.refresh();

      // other.yaml turns invalid; its last good version is for two only.
      dir.addContent({
        runbooks: {
          'other.yaml': runbookYaml('other', {
            match: 'entity: { ref: [component:default/two] }',
            lifecycle: 'x',
          }),
        },
      });
      await runbooks.refresh();
      const where = (list: Array<{ location: string }>) =>
        list.map(p => p.location.slice(dir.path.length + 1)).sort();
      expect(where(runbooks.problemsFor('component:default/one'))).toEqual([
        'own/broken.yaml',
        'runbooks/broken.yaml',
      ]);
      expect(where(runbooks.problemsFor('component:default/two'))).toEqual([
        'runbooks/broken.yaml',
        'runbooks/other.yaml',
      ]);
    });
  });

  describe('match', () => {
    it('picks the most specific runbook: by ref, then the entity annotation, then signals', async () => {
      dir.setContent({
        catalog: { 'c.yaml': '' },
        own: { 'own.yaml': runbookYaml('own', { match: 'layer: product' }) },
        runbooks: {
          'by-signal.yaml': runbookYaml('by-signal'),
          'by-ref.yaml': runbookYaml('by-ref', {
            match: 'entity: { ref: [checkout-api] }',
          }),
          'draft.yaml': runbookYaml('draft', {
            match: 'entity: { ref: [checkout-api] }',
            lifecycle: 'draft',
          }),
        },
      });
      const checkout = entity('checkout-api', {
        runbooks: 'dir:../own',
        location: `file:${dir.resolve('catalog/c.yaml')}`,
      });
      index = new EntityIndex([checkout]);
      const runbooks = registry();
      await runbooks.refresh();
      expect(runbooks.forEntity('checkout-api').map(r => r.runbook.id)).toEqual(
        ['by-ref', 'by-signal', 'draft', 'own'],
      );
      expect(runbooks.match(facts(checkout))?.runbook.id).toBe('by-ref');

      rmSync(dir.resolve('runbooks/by-ref.yaml'));
      await runbooks.refresh();
      expect(runbooks.match(facts(checkout))?.runbook.id).toBe('own');
      expect(
        runbooks.match({ ...facts(checkout), tierWithoutRunbook: 'systemic' }),
      ).toBeUndefined();
    });
  });

  describe('stored runbooks', () => {
    function stored(
      id: string,
      options: {
        version?: number;
        lifecycle?: 'draft' | 'active' | 'deprecated' | 'retired';
        match?: Runbook['match'];
        entityRef?: string;
      } = {},
    ): StoredRunbookVersion {
      const runbook = runbookSchema.parse({
        id,
        title: `Stored ${id}`,
        owner: 'group:default/payments',
        version: String(options.version ?? 1),
        lifecycle: options.lifecycle ?? 'active',
        match: options.match ?? {
          signals: ['HighErrorRate'],
          entity: { ref: ['component:default/checkout-api'] },
        },
        remediation: [{ id: 'fix', action: 'http:request' }],
      });
      return {
        runbookId: id,
        version: options.version ?? 1,
        runbook,
        lifecycle: options.lifecycle ?? 'active',
        createdBy: 'user:default/ada',
        createdAt: '2026-04-30T09:00:00.000Z',
        entityRef: options.entityRef ?? 'component:default/checkout-api',
      };
    }

    function withStored(
      source: { list(): Promise<StoredRunbookVersion[]> },
      usage?: { touch(id: string, at: Date): Promise<void> },
      logger = mockServices.logger.mock(),
    ) {
      return new RunbookRegistry({
        paths: ['runbooks'],
        urlReader: reader,
        entities: { get: async () => index },
        logger,
        workingDirectory: dir.path,
        now: () => new Date((clock += 1000)),
        stored: source,
        usage,
      });
    }

    it('serves stored runbooks beside file runbooks, read again at every refresh', async () => {
      dir.setContent({ runbooks: { 'a.yaml': runbookYaml('a') } });
      const checkout = entity('checkout-api');
      index = new EntityIndex([checkout, entity('search-api')]);
      let versions = [stored('learned-checkout-api-0123abcd')];
      const runbooks = withStored({ list: async () => versions });
      expect(await runbooks.refresh()).toMatchObject({
        runbooks: 2,
        problems: 0,
      });
      expect(runbooks.get('learned-checkout-api-0123abcd')).toEqual({
        runbook: versions[0].runbook,
        source: 'database:learned-checkout-api-0123abcd@v1',
        origin: 'database',
        loadedAt: '2026-04-30T09:00:00.000Z',
      });
      expect(runbooks.forEntity('checkout-api').map(r => r.runbook.id)).toEqual(
        ['a', 'learned-checkout-api-0123abcd'],
      );
      expect(runbooks.forEntity('search-api').map(r => r.runbook.id)).toEqual([
        'a',
      ]);
      // The stored runbook names the entity: it is the most specific.
      expect(runbooks.match(facts(checkout))?.source).toBe(
        'database:learned-checkout-api-0123abcd@v1',
      );

      versions = [
        stored('learned-checkout-api-0123abcd', {
          version: 2,
          lifecycle: 'retired',
        }),
      ];
      await runbooks.refresh();
      expect(runbooks.get('learned-checkout-api-0123abcd')).toEqual(
        expect.objectContaining({
          source: 'database:learned-checkout-api-0123abcd@v2',
          runbook: expect.objectContaining({
            lifecycle: 'retired',
            version: '2',
          }),
        }),
      );
      expect(runbooks.match(facts(checkout))?.runbook.id).toBe('a');
      versions = [];
      await runbooks.refresh();
      expect(runbooks.all().map(r => r.runbook.id)).toEqual(['a']);
    });

    it('applies a fleet-wide stored runbook to every entity of its kind and type', async () => {
      dir.setContent({ runbooks: {} });
      const checkout = entity('checkout-api');
      const search = entity('search-api');
      index = new EntityIndex([checkout, search]);
      const runbooks = withStored({
        list: async () => [
          stored('learned-service-0123abcd', {
            match: {
              signals: ['HighErrorRate'],
              entity: { kind: ['component'], type: ['service'] },
            },
          }),
        ],
      });
      await runbooks.refresh();
      expect(runbooks.match(facts(checkout))?.runbook.id).toBe(
        'learned-service-0123abcd',
      );
      expect(runbooks.match(facts(search))?.runbook.id).toBe(
        'learned-service-0123abcd',
      );
      expect(
        runbooks.match(facts(entity('orders', { kind: 'Resource' }))),
      ).toBeUndefined();
    });

    it('lets a file runbook keep its id and reports the stored one', async () => {
      dir.setContent({
        runbooks: {
          'learned.yaml': runbookYaml('learned-checkout-api-0123abcd'),
        },
      });
      const checkout = entity('checkout-api');
      index = new EntityIndex([checkout]);
      const runbooks = withStored({
        list: async () => [stored('learned-checkout-api-0123abcd')],
      });
      expect(await runbooks.refresh()).toMatchObject({
        runbooks: 1,
        problems: 1,
      });
      expect(runbooks.get('learned-checkout-api-0123abcd')?.source).toBe(
        dir.resolve('runbooks/learned.yaml'),
      );
      expect(runbooks.problems()).toEqual([
        {
          location: 'database:learned-checkout-api-0123abcd@v1',
          message: `id "learned-checkout-api-0123abcd" is already used by ${dir.resolve(
            'runbooks/learned.yaml',
          )}; runbook ids must be unique, and the file keeps it: retire the stored runbook`,
          runbookId: 'learned-checkout-api-0123abcd',
        },
      ]);
      expect(runbooks.problemsFor('checkout-api')).toHaveLength(1);
      expect(runbooks.problemsFor('search-api')).toEqual([]);
    });

    it('keeps serving the stored runbooks it read when the database cannot be read', async () => {
      dir.setContent({ runbooks: {} });
      const checkout = entity('checkout-api');
      index = new EntityIndex([checkout]);
      const database = { failure: undefined as Error | undefined };
      const runbooks = withStored({
        list: async () => {
          if (database.failure) throw database.failure;
          return [stored('learned-checkout-api-0123abcd')];
        },
      });
      await runbooks.refresh();
      database.failure = new Error('connection refused');
      expect(await runbooks.refresh()).toMatchObject({
        runbooks: 1,
        problems: 1,
      });
      expect(runbooks.get('learned-checkout-api-0123abcd')).toBeDefined();
      expect(runbooks.problems()).toEqual([
        {
          location: 'database',
          message: 'could not read the stored runbooks: connection refused',
        },
      ]);
    });

    it('reports a stored runbook that is not valid any more and loads nothing of it', async () => {
      dir.setContent({ runbooks: {} });
      index = new EntityIndex([entity('checkout-api')]);
      const broken = stored('learned-checkout-api-0123abcd');
      (broken.runbook as { remediation: unknown[] }).remediation = [];
      const runbooks = withStored({ list: async () => [broken] });
      await runbooks.refresh();
      expect(runbooks.all()).toEqual([]);
      expect(runbooks.problems()).toEqual([
        {
          location: 'database:learned-checkout-api-0123abcd@v1',
          message:
            'the stored runbook is not valid: remediation: Array must contain at least 1 element(s)',
          runbookId: 'learned-checkout-api-0123abcd',
        },
      ]);
    });

    it('records every runbook match picks, and only logs when it cannot', async () => {
      dir.setContent({ runbooks: { 'a.yaml': runbookYaml('a') } });
      const checkout = entity('checkout-api');
      index = new EntityIndex([checkout]);
      const touched: Array<[string, string]> = [];
      let failing = false;
      const logger = mockServices.logger.mock();
      const runbooks = withStored(
        { list: async () => [] },
        {
          touch: async (id, at) => {
            if (failing) throw new Error('database away');
            touched.push([id, at.toISOString()]);
          },
        },
        logger,
      );
      await runbooks.refresh();
      runbooks.match(facts(checkout));
      runbooks.match(facts(checkout, 'SomethingElse'));
      expect(touched).toEqual([['a', expect.any(String)]]);
      failing = true;
      expect(runbooks.match(facts(checkout))?.runbook.id).toBe('a');
      await new Promise(resolve => setImmediate(resolve));
      expect(logger.warn).toHaveBeenCalledWith(
        'Could not record that a matched: Error: database away',
      );
    });
  });

  it('runs one more refresh for calls made while one runs, never more', async () => {
    reader.files.set('https://git.example/r/a.yaml', runbookYaml('a'));
    index = new EntityIndex([
      entity('one', { runbooks: 'url:https://git.example/r/a.yaml' }),
    ]);
    const runbooks = registry([]);
    await Promise.all([
      runbooks.refresh(),
      runbooks.refresh(),
      runbooks.refresh(),
    ]);
    expect(reader.count('readUrl')).toBe(2);
  });

  it('reads its folders from config', async () => {
    dir.setContent({ runbooks: { 'a.yaml': runbookYaml('a') } });
    const options = {
      urlReader: reader,
      entities: { get: async () => index },
      logger: mockServices.logger.mock(),
      workingDirectory: dir.path,
    };
    const runbooks = RunbookRegistry.fromConfig(
      mockServices.rootConfig({
        data: { ops: { runbooks: { paths: ['runbooks'] } } },
      }),
      options,
    );
    await runbooks.refresh();
    expect(runbooks.all().map(r => r.runbook.id)).toEqual(['a']);
    expect(() =>
      RunbookRegistry.fromConfig(
        mockServices.rootConfig({
          data: { ops: { runbooks: { paths: 'runbooks' } } },
        }),
        options,
      ),
    ).toThrow(/ops\.runbooks\.paths/);
  });
});
