import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readLearningConfig } from './readLearningConfig';
import { DEFAULT_VOLATILE_LABELS } from './signature';

const read = (learning: JsonObject) =>
  readLearningConfig(new ConfigReader({ ops: { learning } }));

describe('readLearningConfig', () => {
  it('has defaults: three, the default volatile labels, 30 days', () => {
    expect(readLearningConfig(new ConfigReader({}))).toEqual({
      promotionThreshold: 3,
      volatileLabels: [...DEFAULT_VOLATILE_LABELS],
      staleAfterMs: 30 * 86_400_000,
    });
  });

  it('reads the threshold, replaced and extra volatile labels, and the stale period', () => {
    expect(
      read({
        promotionThreshold: 5,
        volatileLabels: ['instance', 'shard'],
        extraVolatileLabels: ['region'],
        staleAfter: '14d',
      }),
    ).toEqual({
      promotionThreshold: 5,
      volatileLabels: ['instance', 'shard', 'region'],
      staleAfterMs: 14 * 86_400_000,
    });
    expect(read({ extraVolatileLabels: ['shard'] }).volatileLabels).toEqual([
      ...DEFAULT_VOLATILE_LABELS,
      'shard',
    ]);
    expect(read({ staleAfter: { days: 7 } }).staleAfterMs).toBe(7 * 86_400_000);
  });

  it('names the key of a bad value', () => {
    expect(() => read({ promotionThreshold: 0 })).toThrow(
      "Invalid config at 'ops.learning.promotionThreshold': 0 is not a whole number from 1 to 1000",
    );
    expect(() => read({ promotionThreshold: 'three' })).toThrow(
      /ops\.learning\.promotionThreshold/,
    );
    expect(() => read({ staleAfter: 'soon' })).toThrow(
      /Invalid config at 'ops\.learning\.staleAfter'/,
    );
    expect(() => read({ volatileLabels: 'pod' })).toThrow(
      /ops\.learning\.volatileLabels/,
    );
  });
});
