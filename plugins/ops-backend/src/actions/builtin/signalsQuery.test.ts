import { InputError } from '@backstage/errors';
import { mockOpsActionContext } from '@operable/backstage-plugin-ops-node/testUtils';
import { DatabaseSignalStore } from '../../database/DatabaseSignalStore';
import { migrationsDir } from '../../database/migrations';
import { createTestDatabases } from '../../database/__testUtils__/testDatabases';
import { SignalToCommit } from '../../ingest/SignalStore';
import { ActionRegistry } from '../ActionRegistry';
import { createSignalsQueryAction } from './signalsQuery';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ENTITY = 'component:default/example-service';

function signal(
  name: string,
  minutesAgo: number,
  overrides: Partial<SignalToCommit> = {},
): SignalToCommit {
  const observedAt = new Date(Date.now() - minutesAgo * 60_000);
  return {
    source: 'alertmanager',
    layer: 'product',
    name,
    labels: { service: 'example-service' },
    status: 'firing',
    fingerprint: `${name}-${minutesAgo}`,
    observedAt: observedAt.toISOString(),
    receivedAt: observedAt,
    entityRef: ENTITY,
    summary: `${name} ${minutesAgo} minutes ago`,
    severity: 'high',
    details: { groupKey: 'kept in the store, not in the output' },
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'signals:query on %p',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = new DatabaseSignalStore(knex);
      await store.commit([
        signal('HighErrorRate', 90),
        signal('HighErrorRate', 30),
        signal('HighLatency', 20),
        signal('HighErrorRate', 10, { status: 'resolved' }),
        signal('checkout:errors', 5, {
          source: 'generic',
          status: undefined,
          value: 0.07,
          severity: undefined,
        }),
        signal('HighErrorRate', 1, { entityRef: 'component:default/other' }),
      ]);
      const registry = new ActionRegistry();
      registry.add(createSignalsQueryAction({ signals: store }));
      const { input: _input, ...context } = mockOpsActionContext();
      return {
        query: (input: unknown) =>
          registry.execute('signals:query', input, context) as Promise<{
            signals: Array<Record<string, unknown>>;
          }>,
      };
    }

    it("reads the last hour of the incident's entity, newest first", async () => {
      const { query } = await setup();
      const { signals } = await query({});
      expect(signals.map(s => [s.name, s.status ?? s.value])).toEqual([
        ['checkout:errors', 0.07],
        ['HighErrorRate', 'resolved'],
        ['HighLatency', 'firing'],
        ['HighErrorRate', 'firing'],
      ]);
      expect(signals[1]).toEqual({
        id: expect.any(String),
        name: 'HighErrorRate',
        layer: 'product',
        source: 'alertmanager',
        status: 'resolved',
        severity: 'high',
        summary: 'HighErrorRate 10 minutes ago',
        labels: { service: 'example-service' },
        observedAt: expect.any(String),
      });
    });

    it('filters by name, window and limit', async () => {
      const { query } = await setup();
      const named = await query({ names: ['HighErrorRate'], since: '2h' });
      expect(named.signals.map(s => s.summary)).toEqual([
        'HighErrorRate 10 minutes ago',
        'HighErrorRate 30 minutes ago',
        'HighErrorRate 90 minutes ago',
      ]);
      const short = await query({ since: '15m' });
      expect(short.signals.map(s => s.name)).toEqual([
        'checkout:errors',
        'HighErrorRate',
      ]);
      const limited = await query({ since: '2h', limit: 1 });
      expect(limited.signals.map(s => s.name)).toEqual(['checkout:errors']);
    });

    it('refuses a bad window or limit', async () => {
      const { query } = await setup();
      const error: any = await query({ since: 'yesterday', limit: 501 }).catch(
        e => e,
      );
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain(
        'since: "yesterday" is not a duration such as 30s or 5m',
      );
      expect(error.message).toContain(
        'limit: Number must be less than or equal to 500',
      );
      await expect(query({ since: '90d' })).rejects.toThrow(
        'since: "90d" is out of range; expected from 1s to 30d',
      );
    });
  },
);
