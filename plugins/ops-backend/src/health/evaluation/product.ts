import { HealthState } from '@operable/backstage-plugin-ops-common';
import { formatAge, formatList } from './format';
import { EvaluationResult, isBad, worstState } from './types';

/** An alert that is firing now for the entity. */
export interface FiringAlert {
  name: string;
  /**
   * `critical`, `high` (and `page`) make the product `failing`; `warning`
   * (and `ticket`, and any other or missing severity) make it `degraded`;
   * `info` and `none` (e.g. a Watchdog) do not change the state.
   */
  severity?: string;
  /** When it started firing. */
  since: Date;
}

/** The result of one SLO, e.g. an {@link SloEvaluation}. */
export interface SloResult extends EvaluationResult {
  slo: string;
}

/** What the product layer knows about an entity. */
export interface ProductInput {
  /** Alerts firing now (resolved ones left out). */
  alerts: readonly FiringAlert[];
  /** SLO results, see {@link evaluateSlo}. */
  slos?: readonly SloResult[];
  /**
   * True when alerts are known to be watched for the entity (an alert
   * source has sent it any alert, firing or resolved, or it has an alert
   * selector): then "no firing alert" alone means healthy. Otherwise a
   * product without SLO data is `unknown`.
   */
  alertsObserved?: boolean;
}

type AlertClass = 'failing' | 'degraded' | 'info';

function classify(severity: string | undefined): AlertClass {
  switch ((severity ?? '').trim().toLowerCase()) {
    case 'critical':
    case 'high':
    case 'page':
      return 'failing';
    case 'info':
    case 'none':
      return 'info';
    default:
      return 'degraded';
  }
}

const ORDER: Record<AlertClass, number> = { failing: 0, degraded: 1, info: 2 };

function describeAlerts(
  alerts: ReadonlyArray<{ alert: FiringAlert; cls: AlertClass }>,
  now: Date,
): string {
  const items = [...alerts]
    .sort(
      (a, b) =>
        ORDER[a.cls] - ORDER[b.cls] ||
        a.alert.since.getTime() - b.alert.since.getTime(),
    )
    .map(
      ({ alert }) =>
        `${alert.name} (${alert.severity ?? 'no severity'}, for ${formatAge(
          now.getTime() - alert.since.getTime(),
        )})`,
    );
  const noun = items.length === 1 ? 'alert' : 'alerts';
  return `${items.length} ${noun} firing: ${formatList(items)}`;
}

/**
 * Product layer: firing alerts first, then SLOs.
 *
 * Any firing `critical`/`high` alert → `failing`; else any `warning` (or
 * unclassified) alert → `degraded`; else the worst SLO state (unknown SLOs
 * ignored); nothing known (no actionable alert, no SLO with data, alerts not
 * observed) → `unknown`; else `healthy`. The worst of alerts and SLOs wins
 * when both say something.
 */
export function evaluateProduct(
  input: ProductInput,
  now: Date,
): EvaluationResult {
  const alerts = input.alerts.map(alert => ({
    alert,
    cls: classify(alert.severity),
  }));
  const actionable = alerts.filter(a => a.cls !== 'info');
  const info = alerts.filter(a => a.cls === 'info');
  let alertState: HealthState = 'unknown';
  if (actionable.some(a => a.cls === 'failing')) {
    alertState = 'failing';
  } else if (actionable.length > 0) {
    alertState = 'degraded';
  }

  const slos = input.slos ?? [];
  const known = slos.filter(s => s.state !== 'unknown');
  const unknownSlos = slos.filter(s => s.state === 'unknown').map(s => s.slo);
  const sloState = worstState(known.map(s => s.state));
  const badSlos = known.filter(s => isBad(s.state));

  const state = worstState([alertState, sloState]);
  const parts: string[] = [];
  if (actionable.length > 0) {
    parts.push(describeAlerts(actionable, now));
  }
  const worstSlos = badSlos.filter(s => s.state === sloState);
  if (worstSlos.length > 0) {
    parts.push(
      ...worstSlos
        .slice(0, 3)
        .map(s =>
          s.reason.includes(s.slo) ? s.reason : `SLO ${s.slo}: ${s.reason}`,
        ),
    );
    if (worstSlos.length > 3) {
      parts.push(`${worstSlos.length - 3} more SLOs ${sloState}`);
    }
  }

  if (state !== 'healthy' && state !== 'unknown') {
    return { state, reason: parts.join('; ') };
  }

  if (state === 'unknown' && !input.alertsObserved && info.length === 0) {
    const why =
      slos.length > 0
        ? `no data for ${slos.length === 1 ? 'SLO' : 'SLOs'} ${formatList(
            unknownSlos,
          )}`
        : 'no SLOs';
    return {
      state: 'unknown',
      reason: `nothing known: no firing alerts from a watched alert source and ${why}`,
    };
  }

  const healthy: string[] = ['no actionable alerts firing'];
  if (info.length > 0) {
    healthy[0] += ` (${describeAlerts(info, now)})`;
  }
  if (known.length > 0) {
    healthy.push(
      `${
        known.length === 1 ? 'SLO' : `${known.length} SLOs`
      } within budget (${formatList(known.map(s => s.slo))})`,
    );
  }
  if (unknownSlos.length > 0) {
    healthy.push(`no data for ${formatList(unknownSlos)}`);
  }
  return { state: 'healthy', reason: healthy.join('; ') };
}
