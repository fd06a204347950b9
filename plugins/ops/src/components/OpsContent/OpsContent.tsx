import { ReactNode } from 'react';
import { Entity } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { OpsAgentCard, isOpsAgent } from '../AgentCard';
import { HealthCard } from '../HealthCard';
import { IncidentsCard } from '../IncidentsTable';
import { LoadCard } from '../LoadCard';
import { OwnershipCard } from '../OwnershipCard';
import { RunbookDraftsCard } from '../RunbookDrafts';
import { RunbooksCard } from '../RunbooksCard';

/**
 * A card placed on the Ops tab below the built-in ones: `info` cards take
 * half the width on large screens, `content` cards (the default) all of it.
 */
export interface OpsTabCard {
  id: string;
  element: ReactNode;
  type?: 'info' | 'content';
  /** Shows the card only on the entities it accepts. */
  filter?: (entity: Entity) => boolean;
}

/**
 * The Ops tab of an entity page: who runs it, how healthy it is and what
 * went wrong lately, then the given cards that accept the entity. An ops
 * agent gets its own Ops view first; a Group (a team) gets the incidents of
 * what it owns instead of the cards about one entity.
 */
export const OpsTabContent = (props: { cards: OpsTabCard[] }) => {
  const { entity } = useEntity();
  const cards = props.cards.filter(card => !card.filter || card.filter(entity));
  const isGroup = entity.kind.toLocaleLowerCase('en-US') === 'group';
  const attached = cards.map(card => (
    <Grid key={card.id} item xs={12} lg={card.type === 'info' ? 6 : 12}>
      {card.element}
    </Grid>
  ));
  if (isGroup) {
    return (
      <Grid container spacing={3} alignItems="stretch">
        <Grid item xs={12}>
          <IncidentsCard />
        </Grid>
        {attached}
      </Grid>
    );
  }
  return (
    <Grid container spacing={3} alignItems="stretch">
      {isOpsAgent(entity) && (
        <Grid item xs={12}>
          <OpsAgentCard />
        </Grid>
      )}
      <Grid item xs={12} lg={5}>
        <OwnershipCard />
      </Grid>
      {/* Reasons are sentences with numbers: the health table needs width. */}
      <Grid item xs={12} lg={7}>
        <HealthCard />
      </Grid>
      <Grid item xs={12}>
        <IncidentsCard />
      </Grid>
      {attached}
    </Grid>
  );
};

/** The Runbooks card is about the runbooks of one entity: not on a Group. */
export function isNotGroup(entity: Entity): boolean {
  return entity.kind.toLocaleLowerCase('en-US') !== 'group';
}

const LEGACY_CARDS: OpsTabCard[] = [
  { id: 'runbooks', element: <RunbooksCard />, filter: isNotGroup },
  { id: 'runbook-drafts', element: <RunbookDraftsCard /> },
  { id: 'load', element: <LoadCard /> },
];

/**
 * The Ops tab of an entity page: who runs it, how healthy it is, what went
 * wrong lately, the runbooks its ops agent runs, the runbook drafts waiting
 * for review and whether its builders are drowning. On an ops agent, its
 * Ops view first; on a Group, the incidents, drafts and load of what the
 * team owns.
 *
 * @public
 */
export const OpsContent = () => <OpsTabContent cards={LEGACY_CARDS} />;
