import { Tier } from '@operable/backstage-plugin-ops-common';
import { useTheme } from '@material-ui/core/styles';
import { ColorChip } from './ColorChip';

const TIER_MEANINGS: Record<Tier, string> = {
  routine: 'A runbook matches: the ops agent heals it',
  novel: 'No runbook, bounded to one product: the builder is paged',
  systemic:
    'Crosses products or hits the substrate: escalated to platform and architects',
};

/** The tier of an incident: who answers it. */
export const TierChip = (props: { tier: Tier }) => {
  const { tier } = props;
  const { palette } = useTheme();
  const colors: Record<Tier, string> = {
    routine: palette.success.main,
    novel: palette.warning.main,
    systemic: palette.error.main,
  };
  return (
    <ColorChip
      label={tier}
      aria-label={`Tier ${tier}`}
      color={colors[tier] ?? palette.grey[500]}
      tooltip={TIER_MEANINGS[tier]}
    />
  );
};
