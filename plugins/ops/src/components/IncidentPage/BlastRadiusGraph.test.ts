import { radialLayout } from './BlastRadiusGraph';

describe('radialLayout', () => {
  it('puts each entity on the ring of its distance around the failing one', () => {
    const layout = radialLayout([
      { entityRef: 'component:default/a', via: ['dependencyOf'] },
      { entityRef: 'component:default/b', via: ['dependencyOf'] },
      { entityRef: 'system:default/s', via: ['dependencyOf', 'partOf'] },
    ]);

    expect(layout.rings).toHaveLength(2);
    expect(layout.rings[1]).toBeGreaterThan(layout.rings[0]);
    expect(layout.size).toBe(2 * layout.center);
    for (const node of layout.nodes) {
      const distance = Math.hypot(
        node.x - layout.center,
        node.y - layout.center,
      );
      expect(distance).toBeCloseTo(layout.rings[node.depth - 1]);
      expect(node.x).toBeGreaterThan(0);
      expect(node.x).toBeLessThan(layout.size);
    }
    expect(layout.nodes.map(node => node.depth)).toEqual([1, 1, 2]);
  });

  it('grows a crowded ring so that its nodes keep apart', () => {
    const entries = Array.from({ length: 30 }, (_, index) => ({
      entityRef: `component:default/c${index}`,
      via: ['dependencyOf'],
    }));
    const { nodes } = radialLayout(entries);
    const [first, second] = nodes;
    expect(Math.hypot(first.x - second.x, first.y - second.y)).toBeGreaterThan(
      60,
    );
  });

  it('treats an entity without a relation chain as a direct neighbour', () => {
    const { nodes, rings } = radialLayout([
      { entityRef: 'component:default/a', via: [] },
    ]);
    expect(nodes[0].depth).toBe(1);
    expect(rings).toHaveLength(1);
  });
});
