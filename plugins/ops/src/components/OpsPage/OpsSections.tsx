import { Link } from '@backstage/core-components';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { learningRouteRef, rootRouteRef, unroutedRouteRef } from '../../routes';
import { useOptionalRouteRef } from '../common';

export type OpsSection = 'incidents' | 'unrouted' | 'learning';

/** Switches between the lists of the Ops page. */
export const OpsSections = (props: { current: OpsSection }) => {
  const rootLink = useOptionalRouteRef(rootRouteRef);
  const unroutedLink = useOptionalRouteRef(unroutedRouteRef);
  const learningLink = useOptionalRouteRef(learningRouteRef);
  if (!rootLink || !unroutedLink || !learningLink) {
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
      <Tab
        value="learning"
        label="Learning"
        component={Link}
        to={learningLink()}
      />
    </Tabs>
  );
};
