import { OpsAction } from '@operable/backstage-plugin-ops-node';
import { createHealthWaitAction, EntityHealthReader } from './healthWait';
import { AgentHttpConfig } from './http/config';
import { HostResolver } from './http/GuardedHttpClient';
import { createHttpActions } from './http/httpActions';
import { createIncidentNoteAction, IncidentNotes } from './incidentNote';
import { createNotifyOwnerAction, OwnerNotifier } from './notifyOwner';
import { createSignalsQueryAction, SignalHistory } from './signalsQuery';

/** What the built-in actions need from the rest of the backend. */
export interface BuiltinActionsOptions {
  /** `ops.agent.http`, from `readAgentHttpConfig`. */
  http: AgentHttpConfig;
  /** How the HTTP actions resolve host names; the system resolver by default. */
  resolveHost?: HostResolver;
  /** The signal store, for `signals:query`. */
  signals: SignalHistory;
  /** The health service, for `health:wait`. */
  health: EntityHealthReader;
  /** The incident service, for `incident:note`. */
  notes: IncidentNotes;
  /** Backstage notifications (`NotificationsOwnerNotifier`), for `notify:owner`. */
  owners: OwnerNotifier;
}

/**
 * The actions every runbook can name: `http:request`, `http:check`,
 * `signals:query`, `health:wait`, `incident:note` and `notify:owner`. None
 * executes shell commands.
 */
export function createBuiltinActions(
  options: BuiltinActionsOptions,
): OpsAction[] {
  return [
    ...createHttpActions({
      config: options.http,
      resolveHost: options.resolveHost,
    }),
    createSignalsQueryAction({ signals: options.signals }),
    createHealthWaitAction({ health: options.health }),
    createIncidentNoteAction({ notes: options.notes }),
    createNotifyOwnerAction({ owners: options.owners }),
  ];
}
