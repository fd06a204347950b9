import alertmanagerGroup from './alertmanager-group.json';
import genericMixed from './generic-mixed.json';
import grafanaValues from './grafana-values.json';
import pagerdutyAcknowledge from './pagerduty-acknowledge.json';
import pagerdutyResolve from './pagerduty-resolve.json';
import pagerdutyTrigger from './pagerduty-trigger.json';

const fixtures = {
  'alertmanager-group': alertmanagerGroup,
  'generic-mixed': genericMixed,
  'grafana-values': grafanaValues,
  'pagerduty-acknowledge': pagerdutyAcknowledge,
  'pagerduty-resolve': pagerdutyResolve,
  'pagerduty-trigger': pagerdutyTrigger,
};

/** A fresh, mutable copy of a fixture body (tests edit them freely). */
export function loadFixture(name: keyof typeof fixtures): any {
  return JSON.parse(JSON.stringify(fixtures[name]));
}
