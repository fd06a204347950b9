import Grid from '@material-ui/core/Grid';
import { OwnershipCard } from '../OwnershipCard';

/**
 * The Ops tab of an entity page.
 *
 * @public
 */
export const OpsContent = () => (
  <Grid container spacing={3} alignItems="stretch">
    <Grid item xs={12} md={6}>
      <OwnershipCard />
    </Grid>
  </Grid>
);
