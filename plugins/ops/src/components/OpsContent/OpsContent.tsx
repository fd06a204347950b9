import { ReactNode } from 'react';
import { Entity } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { HealthCard } from '../HealthCard';
import { IncidentsCard } from '../IncidentsTable';
import { OwnershipCard } from '../OwnershipCard';
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
 * went wrong lately, then the given cards that accept the entity.
 */
export const OpsTabContent = (props: { cards: OpsTabCard[] }) => {
  const { entity } = useEntity();
  const cards = props.cards.filter(card => !card.filter || card.filter(entity));
  return (
    <Grid container spacing={3} alignItems="stretch">
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
      {cards.map(card => (
        <Grid key={card.id} item xs={12} lg={card.type === 'info' ? 6 : 12}>
          {card.element}
        </Grid>
      ))}
    </Grid>
  );
};

const LEGACY_CARDS: OpsTabCard[] = [
  { id: 'runbooks', element: <RunbooksCard /> },
];

/**
 * The Ops tab of an entity page: who runs it, how healthy it is, what went
 * wrong lately and the runbooks its ops agent runs.
 *
 * @public
 */
export const OpsContent = () => <OpsTabContent cards={LEGACY_CARDS} />;
