import { SignalInput } from '@operable/backstage-plugin-ops-common';

/**
 * What a parser makes of a body: the valid items as signals and the invalid
 * ones with a reason that names the field, both by their index in the body
 * (the `alerts` or `signals` array; always 0 for a PagerDuty event).
 */
export interface ParsedBody {
  signals: Array<{ index: number; signal: SignalInput }>;
  rejected: Array<{ index: number; reason: string }>;
}
