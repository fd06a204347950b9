import { InputError } from '@backstage/errors';
import { findTemplateReferences, renderTemplates } from './templates';

const context = {
  incident: {
    id: 'inc-1',
    labels: { instance: '127.0.0.1:7101', service: 'checkout-api' },
  },
  entity: { metadata: { name: 'checkout-api' } },
  steps: {
    health: { output: { status: 503, ok: false, body: { status: 'crashed' } } },
  },
  secrets: { ADMIN_TOKEN: 's3cret' },
  nothing: null,
};

describe('renderTemplates', () => {
  it('fills templates in every string of a nested value', () => {
    expect(
      renderTemplates(
        {
          method: 'DELETE',
          url: 'http://${{ incident.labels.instance }}/admin/faults',
          headers: { Authorization: 'Bearer ${{secrets.ADMIN_TOKEN}}' },
          expectStatus: [200, 204],
          tags: ['${{ entity.metadata.name }}', 'ops'],
          retry: true,
        },
        context,
      ),
    ).toEqual({
      method: 'DELETE',
      url: 'http://127.0.0.1:7101/admin/faults',
      headers: { Authorization: 'Bearer s3cret' },
      expectStatus: [200, 204],
      tags: ['checkout-api', 'ops'],
      retry: true,
    });
  });

  it('keeps the type of a value when the string is exactly one template', () => {
    expect(renderTemplates('${{ steps.health.output.status }}', context)).toBe(
      503,
    );
    expect(renderTemplates('${{ steps.health.output.ok }}', context)).toBe(
      false,
    );
    expect(
      renderTemplates({ body: '${{ steps.health.output.body }}' }, context),
    ).toEqual({ body: { status: 'crashed' } });
    expect(renderTemplates('${{ nothing }}', context)).toBeNull();
  });

  it('writes non-text values as JSON inside a longer string', () => {
    expect(
      renderTemplates(
        'status ${{ steps.health.output.status }}, ok ${{ steps.health.output.ok }}, body ${{ steps.health.output.body }}',
        context,
      ),
    ).toBe('status 503, ok false, body {"status":"crashed"}');
  });

  it('leaves keys, numbers and strings without templates alone', () => {
    expect(
      renderTemplates(
        { '${{ incident.id }}': 1, plain: 'a } b {{ c' },
        context,
      ),
    ).toEqual({ '${{ incident.id }}': 1, plain: 'a } b {{ c' });
  });

  it('writes a literal ${{ for $${{', () => {
    expect(
      renderTemplates('$${{ incident.id }} is ${{ incident.id }}', context),
    ).toBe('${{ incident.id }} is inc-1');
  });

  it('does not render what a value brings in', () => {
    expect(
      renderTemplates('${{ x }}', {
        x: '${{ secrets.ADMIN_TOKEN }}',
        secrets: {},
      }),
    ).toBe('${{ secrets.ADMIN_TOKEN }}');
  });

  it('names a missing path and where it sits', () => {
    const render = () =>
      renderTemplates(
        { headers: { 'X-Instance': '${{ incident.labels.host }}' } },
        context,
        { at: 'remediation[0].input' },
      );
    expect(render).toThrow(InputError);
    expect(render).toThrow(
      'remediation[0].input.headers.X-Instance: ${{ incident.labels.host }} names incident.labels.host, which is not set',
    );
    expect(() =>
      renderTemplates(['${{ steps.check.output }}'], context),
    ).toThrow(
      '[0]: ${{ steps.check.output }} names steps.check, which is not set',
    );
  });

  it('refuses expressions, filters and unclosed templates', () => {
    expect(() => renderTemplates('${{ incident.id + 1 }}', context)).toThrow(
      '${{ incident.id + 1 }} is not a dotted path such as incident.labels.instance; a template holds a path, no expression or filter',
    );
    expect(() =>
      renderTemplates('${{ incident.id | upper }}', context),
    ).toThrow(InputError);
    expect(() => renderTemplates('${{ }}', context)).toThrow(InputError);
    expect(() => renderTemplates('http://${{ incident.id', context)).toThrow(
      '"http://${{ incident.id" opens a template with ${{ that is not closed with }}',
    );
  });

  it('stops at a cyclic value', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => renderTemplates(cyclic, context)).toThrow('nested more than');
  });
});

describe('findTemplateReferences', () => {
  it('lists every path with where it sits, and malformed strings', () => {
    expect(
      findTemplateReferences({
        url: 'http://${{ incident.labels.instance }}/${{ steps.a.output.x }}',
        list: ['plain', '${{ oops', '$${{ not.a.template }}'],
      }),
    ).toEqual([
      { at: ['url'], path: 'incident.labels.instance' },
      { at: ['url'], path: 'steps.a.output.x' },
      {
        at: ['list', 1],
        error:
          '"${{ oops" opens a template with ${{ that is not closed with }}',
      },
    ]);
  });
});
