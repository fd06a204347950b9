import { Link } from '@backstage/core-components';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { rootRouteRef, unroutedRouteRef } from '../../routes';
import { useOptionalRouteRef } from '../common';

export type OpsSection = 'incidents' | 'unrouted';

/** Switches between the lists of the Ops page. */
export const OpsSections = (props: { current: OpsSection }) => {
  const rootLink = useOptionalRouteRef(rootRouteRef);
  const unroutedLink = useOptionalRouteRef(unroutedRouteRef);
  if (!rootLink || !unroutedLink) {
    return null;
  }
  return (
    <Tabs
      value={props.current}
      indicatorColor="primary"
      textColor="primary"
      aria-label="Ops sections"
      style={{ marginBottom: 16 }}
    >
      <Tab
        value="incidents"
        label="Incidents"
        component={Link}
        to={rootLink()}
      />
      <Tab
        value="unrouted"
        label="Unrouted signals"
        component={Link}
        to={unroutedLink()}
      />
    </Tabs>
  );
};
