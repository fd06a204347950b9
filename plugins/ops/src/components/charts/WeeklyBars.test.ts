import { describeWeeks, formatWeek, layoutBars } from './WeeklyBars';

const weeks = [
  {
    weekStart: '2026-02-23',
    bars: [
      {
        label: 'runs',
        parts: [
          { label: 'succeeded', value: 3, color: 'green' },
          { label: 'failed', value: 1, color: 'red' },
        ],
      },
    ],
  },
  {
    weekStart: '2026-03-02',
    bars: [
      {
        label: 'runs',
        parts: [
          { label: 'succeeded', value: 0, color: 'green' },
          { label: 'failed', value: 2, color: 'red' },
        ],
      },
    ],
  },
];

describe('layoutBars', () => {
  it('stacks the parts of a bar from the baseline, scaled to the tallest bar', () => {
    const { rects, width, max } = layoutBars(weeks, 80);
    expect(max).toBe(4);
    expect(rects).toEqual([
      expect.objectContaining({ x: 0, y: 20, height: 60, color: 'green' }),
      expect.objectContaining({ x: 0, y: 0, height: 20, color: 'red' }),
      // An empty part takes no room: failed sits on the baseline.
      expect.objectContaining({ x: 22, y: 40, height: 40, color: 'red' }),
    ]);
    expect(rects[0].title).toBe('Week of Feb 23: 3 succeeded');
    expect(width).toBe(34);
  });

  it('puts the bars of one week side by side', () => {
    const { rects, width } = layoutBars(
      [
        {
          weekStart: '2026-03-02',
          bars: [
            {
              label: 'debt',
              parts: [{ label: 'novel', value: 2, color: 'a' }],
            },
            {
              label: 'absorbed',
              parts: [{ label: 'self-healed', value: 1, color: 'b' }],
            },
          ],
        },
      ],
      10,
    );
    expect(rects.map(rect => [rect.x, rect.height])).toEqual([
      [0, 10],
      [14, 5],
    ]);
    expect(width).toBe(26);
  });

  it('draws nothing but the frame without any count', () => {
    expect(
      layoutBars(
        [
          {
            weekStart: '2026-03-02',
            bars: [
              { label: 'runs', parts: [{ label: 'x', value: 0, color: 'a' }] },
            ],
          },
        ],
        10,
      ).rects,
    ).toEqual([]);
    expect(layoutBars([], 10)).toEqual({ rects: [], width: 0, max: 0 });
  });
});

describe('describeWeeks', () => {
  it('reads the chart out week by week', () => {
    expect(describeWeeks(weeks)).toBe(
      'Feb 23: 3 succeeded, 1 failed; Mar 2: 0 succeeded, 2 failed',
    );
    expect(describeWeeks([])).toBe('no weeks yet');
    expect(formatWeek('not a date')).toBe('not a date');
  });
});
