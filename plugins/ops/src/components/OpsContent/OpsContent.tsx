import Grid from '@material-ui/core/Grid';
import { HealthCard } from '../HealthCard';
import { IncidentsCard } from '../IncidentsTable';
import { OwnershipCard } from '../OwnershipCard';

/**
 * The Ops tab of an entity page: who runs it, how healthy it is, and what
 * went wrong lately.
 *
 * @public
 */
export const OpsContent = () => (
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
  </Grid>
);
