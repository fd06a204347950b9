export interface Config {
  /** Configuration of the Operable suite. */
  ops?: {
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
  };
}
