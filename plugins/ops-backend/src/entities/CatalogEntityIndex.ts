import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EntityIndex, indexEntity } from './EntityIndex';

// Groups too: paging reads their working hours, and they own what fails.
const KINDS = ['component', 'resource', 'system', 'api', 'domain', 'group'];

/**
 * Keeps an EntityIndex of the catalog fresh: loaded at first use, reloaded on
 * an interval, and on demand when a signal names an entity it does not know
 * yet (at most once per `minReloadMs`). Tells listeners when a reload finds
 * entities it did not know, so that what waited for them goes on at once.
 */
export class CatalogEntityIndex {
  private current = new EntityIndex();
  private loading?: Promise<EntityIndex>;
  private loadedAt = 0;
  private readonly listeners: Array<(index: EntityIndex) => void> = [];

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      substrateTypes: string[];
      maxAgeMs?: number;
      minReloadMs?: number;
    },
  ) {}

  /** The index, reloaded first when older than maxAgeMs. */
  async get(): Promise<EntityIndex> {
    if (Date.now() - this.loadedAt > (this.options.maxAgeMs ?? 60_000)) {
      return this.reload();
    }
    return this.current;
  }

  /** Reloads unless it was reloaded less than minReloadMs ago. */
  async refreshSoon(): Promise<EntityIndex> {
    if (Date.now() - this.loadedAt < (this.options.minReloadMs ?? 5_000)) {
      return this.current;
    }
    return this.reload();
  }

  /** Calls `listener` after each reload that finds entities new to it. */
  onNewEntities(listener: (index: EntityIndex) => void): void {
    this.listeners.push(listener);
  }

  reload(): Promise<EntityIndex> {
    if (!this.loading) {
      this.loading = this.load().finally(() => {
        this.loading = undefined;
      });
    }
    return this.loading;
  }

  private async load(): Promise<EntityIndex> {
    try {
      const { items } = await this.options.catalog.getEntities(
        { filter: { kind: KINDS } },
        { credentials: await this.options.auth.getOwnServiceCredentials() },
      );
      const previous = this.current;
      this.current = new EntityIndex(
        items.map(e => indexEntity(e, this.options.substrateTypes)),
      );
      const grew = [...this.current.all()].some(e => !previous.get(e.ref));
      if (grew) {
        for (const listener of this.listeners) listener(this.current);
      }
    } catch (error) {
      // Keep routing with what we had; the next use tries again.
      this.options.logger.warn(`Could not load catalog entities: ${error}`);
    }
    this.loadedAt = Date.now();
    return this.current;
  }
}
