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
      /** Outbound HTTP of the `http:request` and `http:check` actions. */
      http?: {
        /**
         * Hosts the HTTP actions may call; nothing else is reachable (default:
         * none). Entries: `api.example.com` (any port), `api.example.com:8443`,
         * `*.example.com` (names below the domain, not the domain itself), an
         * IP address (`10.0.0.5`, `10.0.0.5:9000`, `::1`, `[fd00::1]:8080`). A
         * host listed by name or IP may resolve to private, loopback or
         * link-local addresses; a host allowed only by `*.domain` must resolve
         * to public addresses unless the address itself is listed. `*` alone
         * is refused.
         */
        allowedHosts?: string[];
        /** Longest one call may take, redirects included. Default `10s`. */
        timeout?: string | { [unit: string]: number };
        /** Most redirects one call follows (0–20); every hop is checked again. Default 3. */
        maxRedirects?: number;
      };
    };
    /** Paging: how novel and systemic incidents reach people, besides Backstage notifications. */
    paging?: {
      /**
       * PagerDuty Events API v2: every page also triggers an event with dedup
       * key `operable-<incident id>`, resolved when the incident is.
       */
      pagerDuty?: {
        /**
         * Integration (routing) key of the PagerDuty service's Events API v2 integration.
         * @visibility secret
         */
        routingKey: string;
        /** The Events API endpoint. Default `https://events.pagerduty.com/v2/enqueue`. */
        url?: string;
      };
      /**
       * Generic webhooks: each receives a JSON POST for every page and one
       * when a paged incident is resolved, with an `Idempotency-Key` header.
       */
      webhooks?: Array<{
        /**
         * http or https URL; redirects are refused.
         * @visibility secret
         */
        url: string;
        /**
         * Headers sent with every call, e.g. Authorization.
         * @visibility secret
         */
        headers?: { [name: string]: string };
      }>;
      /**
       * Working hours of groups without an `operable.dev/working-hours`
       * annotation; a page outside them counts as off-hours. Default Monday
       * to Friday, 09:00-17:00 UTC.
       */
      workingHours?: {
        /** IANA time zone, e.g. `Europe/Berlin`. Default `UTC`. */
        timezone?: string;
        /** Days: `Mon-Fri`, `Mon,Wed,Fri` or a list `[Mon, Tue]`. Default `Mon-Fri`. */
        days?: string | string[];
        /** `HH:MM`, 24-hour clock. Default `09:00`. */
        start?: string;
        /** `HH:MM`, up to `24:00`; an end before the start runs past midnight. Default `17:00`. */
        end?: string;
      };
      /** How long one call to PagerDuty or a webhook may take. Default `10s`. */
      timeout?: string | { [unit: string]: number };
    };
    /** The learning loop: resolutions that repeat become runbook drafts. */
    learning?: {
      /**
       * How many equivalent resolutions of one signature (the same failure
       * resolved with the same actions) draft a runbook; fleet-wide, on as
       * many different entities of one kind and type. Default 3 (the rule of
       * three).
       */
      promotionThreshold?: number;
      /**
       * Label names left out of incident signatures because they differ
       * between occurrences of the same failure. Replaces the default list
       * (instance, pod, container, host, node, ip, address, request_id,
       * trace_id, span_id, timestamp, time, uid and the like). Labels whose
       * values look like UUIDs, hex ids, timestamps or addresses are always
       * left out.
       */
      volatileLabels?: string[];
      /** Label names added to the volatile labels (the default or the configured list). */
      extraVolatileLabels?: string[];
      /**
       * How long an active or deprecated runbook may go without matching an
       * incident before it is flagged stale and its owner is told, once.
       * Default `30d`.
       */
      staleAfter?: string | { [unit: string]: number };
    };
    /** The drowning check. */
    load?: {
      /**
       * How many weeks in a row a team's novel and systemic incidents must
       * outnumber what its ops agents absorbed (self-healed incidents plus
       * runbooks promoted from drafts) before the team and the platform group
       * see it flagged as drowning. A whole number from 1 to 12. Default 3.
       */
      drowningWeeks?: number;
    };
    /** Runbooks: YAML files, one runbook each. */
    runbooks?: {
      /**
       * Folders (or single files) holding the app's runbooks; every `*.yaml`
       * and `*.yml` file below them is loaded (hidden files and node_modules
       * skipped). Relative paths resolve against the backend's working
       * directory, as the catalog's file locations do. Runbooks from these
       * folders apply to incidents by their `match` alone; entities add
       * their own with the `operable.dev/runbooks` annotation. Default: none.
       */
      paths?: string[];
      /** How often every runbook file is read again. Default `5m`. */
      refreshInterval?: string | { [unit: string]: number };
    };
  };
}
