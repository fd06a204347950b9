import { greenButFailing, transition } from './transition';

const T0 = new Date('2025-03-10T10:00:00Z');
const T1 = new Date('2025-03-10T11:00:00Z');

describe('transition', () => {
  it('keeps since while the state is unchanged', () => {
    expect(
      transition({ state: 'healthy', since: T0 }, { state: 'healthy' }, T1),
    ).toBe(T0);
  });

  it('starts a new since when the state changes', () => {
    expect(
      transition({ state: 'healthy', since: T0 }, { state: 'failing' }, T1),
    ).toBe(T1);
    expect(
      transition({ state: 'failing', since: T0 }, { state: 'unknown' }, T1),
    ).toBe(T1);
  });

  it('starts at the first evaluation', () => {
    expect(transition(undefined, { state: 'degraded' }, T1)).toBe(T1);
  });
});

describe('greenButFailing', () => {
  it('is true only for a healthy product with a failing outcome', () => {
    const states = ['healthy', 'degraded', 'failing', 'unknown'] as const;
    for (const product of states) {
      for (const outcome of states) {
        expect(greenButFailing({ state: product }, { state: outcome })).toBe(
          product === 'healthy' && outcome === 'failing',
        );
      }
    }
  });
});
