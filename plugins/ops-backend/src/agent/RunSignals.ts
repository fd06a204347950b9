import { LoggerService } from '@backstage/backend-plugin-api';
import { Run, SignalInput } from '@operable/backstage-plugin-ops-common';

/** Sample names of an ops agent's own AI-system signals. */
export const AGENT_SIGNAL_NAMES = {
  /** 1 per real run that ended (succeeded or failed). */
  total: 'ops.agent.runs:total',
  /** 1 per real run that failed, 0 per one that succeeded. */
  errors: 'ops.agent.runs:errors',
  /**
   * 1 per real run that succeeded, 0 per one that failed: its mean is the
   * success rate, which drifts against the agent's own baseline (down is
   * bad), beside the error ratio's fixed thresholds.
   */
  success: 'ops.agent.run.success',
  /** Seconds the run's verification took, when it got that far; up is bad. */
  verificationDuration: 'ops.agent.verification.duration',
} as const;

/** Where signals are committed (the ingest service). */
export interface SignalSink {
  ingest(signals: SignalInput[]): Promise<unknown>;
}

/**
 * The ops agent observed as a signal source like any other: every real run
 * that ends becomes metric samples on the agent's own entity, committed
 * through the normal ingestion path, so that the AI-system layer judges the
 * agent by its error ratio (`ops.agent.runs:errors` / `ops.agent.runs:total`)
 * and by the drift of its success rate and verification time against its
 * own baseline. Pass
 * `onRunEnded` to the agent service.
 */
export class RunSignals {
  constructor(
    private readonly options: { ingest: SignalSink; logger: LoggerService },
  ) {}

  /** The samples of one ended run; none for a run without an agent. */
  samplesOf(
    run: Run,
    outcome: 'succeeded' | 'failed',
    verifyMs: number | undefined,
  ): SignalInput[] {
    if (!run.agentRef || run.dryRun) return [];
    const observedAt = run.finishedAt ?? new Date().toISOString();
    const sample = (name: string, value: number): SignalInput => ({
      source: 'generic',
      layer: 'ai-system',
      name,
      value,
      labels: { runbook: run.runbookId, entity: run.entityRef },
      entityRef: run.agentRef,
      // One sample per run and name: a fingerprint of its own.
      fingerprint: `${name}|${run.id}`,
      observedAt,
      details: { runId: run.id, incidentId: run.incidentId },
    });
    const samples = [
      sample(AGENT_SIGNAL_NAMES.total, 1),
      sample(AGENT_SIGNAL_NAMES.errors, outcome === 'failed' ? 1 : 0),
      sample(AGENT_SIGNAL_NAMES.success, outcome === 'failed' ? 0 : 1),
    ];
    if (verifyMs !== undefined && Number.isFinite(verifyMs) && verifyMs >= 0) {
      samples.push(
        sample(AGENT_SIGNAL_NAMES.verificationDuration, verifyMs / 1000),
      );
    }
    return samples;
  }

  /** The agent service's `onRunEnded`. */
  readonly onRunEnded = async (
    run: Run,
    outcome: 'succeeded' | 'failed',
    verifyMs: number | undefined,
  ): Promise<void> => {
    const samples = this.samplesOf(run, outcome, verifyMs);
    if (samples.length === 0) return;
    try {
      await this.options.ingest.ingest(samples);
    } catch (error) {
      // The run is over either way; a lost sample only thins the statistic.
      this.options.logger.warn(
        `Could not record the samples of run ${run.id} for ${run.agentRef}: ${error}`,
      );
    }
  };
}
