import { Signal } from '@operable/backstage-plugin-ops-common';
import { SignalStore, SignalToCommit } from './SignalStore';

interface Waiting {
  signals: SignalToCommit[];
  resolve(committed: Signal[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit: requests that arrive while the database is busy with a commit
 * wait for it to end, then go in together as one transaction. Each caller is
 * answered only once its own signals are committed, so a 2xx still means
 * committed; a burst of small requests costs one transaction and one write
 * of the log instead of one each.
 */
export class GroupCommit {
  private readonly waiting: Waiting[] = [];
  private busy = false;

  constructor(
    private readonly store: SignalStore,
    /** Whether this group may be committed claimed (see SignalStore.commit). */
    private readonly claim: (count: number) => boolean,
    /** Called with each group committed claimed. */
    private readonly onClaimed: (signals: Signal[]) => void,
    /** Called after each group committed unclaimed. */
    private readonly onUnclaimed: () => void,
  ) {}

  commit(signals: SignalToCommit[]): Promise<Signal[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ signals, resolve, reject });
      if (!this.busy) {
        this.busy = true;
        // Let the requests already parsed in this turn of the event loop join.
        setImmediate(() => this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const group = this.waiting.splice(0);
    try {
      await this.commitGroup(group);
    } finally {
      if (this.waiting.length > 0) setImmediate(() => this.flush());
      else this.busy = false;
    }
  }

  private async commitGroup(group: Waiting[]): Promise<void> {
    const all = group.flatMap(w => w.signals);
    const claim = this.claim(all.length);
    try {
      const committed = await this.store.commit(all, { claim });
      if (claim) this.onClaimed(committed);
      else this.onUnclaimed();
      let at = 0;
      for (const w of group) {
        w.resolve(committed.slice(at, (at += w.signals.length)));
      }
    } catch (error) {
      if (group.length === 1) {
        group[0].reject(error);
        return;
      }
      // One request's rows can fail the whole statement: commit each alone,
      // so that only that request fails.
      for (const w of group) await this.commitGroup([w]);
    }
  }
}
