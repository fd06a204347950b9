export interface Config {
  /** Configuration of the Operable suite. */
  ops?: {
    /**
     * `spec.type` values whose entities count as substrate (shared platform
     * entities) without the `operable.dev/substrate` annotation, e.g.
     * `[database, message-broker]`.
     */
    substrateTypes?: string[];
    incidents?: {
      /**
       * A failure that fires again within this duration of its incident being
       * resolved reopens that incident (flapping). Default `10m`. A string
       * like `10m`, an ISO duration, or an object like `{ minutes: 10 }`.
       */
      reopenWindow?: string | { [unit: string]: number };
      /**
       * Failures of entities of different owners opened within this duration
       * of each other, with a shared dependency, are systemic. Default `30m`.
       */
      correlationWindow?: string | { [unit: string]: number };
    };
    /**
     * Where incidents escalate beyond the builder (the owning team).
     * Novel incidents page the builder; systemic ones go on to these groups.
     */
    escalation?: {
      /**
       * Entity reference of the platform group, e.g. `group:default/platform`.
       * Kind defaults to Group.
       */
      platformGroup?: string;
      /**
       * Entity reference of the architect group, e.g. `group:default/architects`.
       * Kind defaults to Group.
       */
      architectGroup?: string;
    };
    /** The ops agent that runs runbooks for routine incidents. */
    agent?: {
      /**
       * How long a replica holds a run without renewing its claim; a run
       * whose replica died is taken over by another after this. Renewed every
       * third of it. Default `15s`.
       */
      leaseDuration?: string | { [unit: string]: number };
      /** How many runs one replica executes at once; more wait. Default 50. */
      maxConcurrentRuns?: number;
      /**
       * Values runbook steps may use as `${{ secrets.NAME }}`, e.g. tokens for
       * admin endpoints. They are redacted from every recorded input and
       * output.
       * @visibility secret
       */
      secrets?: { [name: string]: string };
    };
    /** Runbooks: YAML files, one runbook each. */
    runbooks?: {
      /** How often every runbook file is read again. Default `5m`. */
      refreshInterval?: string | { [unit: string]: number };
    };
  };
}
