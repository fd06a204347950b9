import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { ANNOTATION_LOCATION } from '@backstage/catalog-model';
import { ANNOTATION_SLOS } from '@operable/backstage-plugin-ops-common';
import { readFile } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { IndexedEntity } from '../entities';
import { parseSloDocument, SloSpec } from './evaluation';

/**
 * The SLOs an entity declares with `operable.dev/slos`: a Sloth or OpenSLO
 * file read through the UrlReader (`url:`), or from disk relative to the
 * entity's own file (`file:`, for catalogs read from disk). Cached per entity;
 * a broken file is logged and yields no SLO until it is fixed.
 */
export class SloSource {
  private readonly cache = new Map<
    string,
    { slos: SloSpec[]; loadedAt: number; location: string }
  >();

  constructor(
    private readonly options: {
      urlReader: UrlReaderService;
      logger: LoggerService;
      maxAgeMs?: number;
    },
  ) {}

  async forEntity(entity: IndexedEntity | undefined): Promise<SloSpec[]> {
    const location = entity?.annotations[ANNOTATION_SLOS];
    if (!entity || !location) return [];
    const cached = this.cache.get(entity.ref);
    if (
      cached &&
      cached.location === location &&
      Date.now() - cached.loadedAt < (this.options.maxAgeMs ?? 300_000)
    ) {
      return cached.slos;
    }
    let slos: SloSpec[] = [];
    try {
      slos = parseSloDocument(await this.read(entity, location));
    } catch (error) {
      this.options.logger.warn(
        `Could not read the SLOs of ${entity.ref} from ${location}: ${error}`,
      );
    }
    this.cache.set(entity.ref, { slos, loadedAt: Date.now(), location });
    return slos;
  }

  private async read(entity: IndexedEntity, location: string): Promise<string> {
    const [type, ...rest] = location.split(':');
    const target = rest.join(':');
    if (type === 'url') {
      const response = await this.options.urlReader.readUrl(target);
      return (await response.buffer()).toString('utf8');
    }
    const own = entity.annotations[ANNOTATION_LOCATION] ?? '';
    if (!own.startsWith('file:')) {
      throw new Error(
        `a ${type}: location needs an entity read from a file; use url: instead`,
      );
    }
    return readFile(
      resolvePath(dirname(own.slice('file:'.length)), target),
      'utf8',
    );
  }
}
