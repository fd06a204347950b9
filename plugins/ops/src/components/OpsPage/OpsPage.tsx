import { Route, Routes } from 'react-router-dom';
import { Content, Header, Page } from '@backstage/core-components';
import { ReactRouterV6PageRouter } from '@backstage/frontend-adapter-react-router-v6';
import { IncidentPage } from '../IncidentPage';
import { DrowningCallout } from '../LoadCard';
import { RunPage } from '../RunPage';
import { LearningPage } from '../RunbookDrafts';
import { UnroutedPage } from '../UnroutedPage';
import { IncidentListPage } from './IncidentListPage';
import { OpsSections } from './OpsSections';

/**
 * The routes below the Ops page. The adapter scopes React Router to the
 * page's mount in the new frontend system and steps aside in the legacy one,
 * where the app's own router already does.
 */
const OpsRoutes = () => (
  <ReactRouterV6PageRouter>
    <Routes>
      <Route
        index
        element={
          <>
            <DrowningCallout />
            <OpsSections current="incidents" />
            <IncidentListPage />
          </>
        }
      />
      <Route path="incidents/:id" element={<IncidentPage />} />
      <Route path="runs/:id" element={<RunPage />} />
      <Route
        path="unrouted"
        element={
          <>
            <OpsSections current="unrouted" />
            <UnroutedPage />
          </>
        }
      />
      <Route
        path="learning"
        element={
          <>
            <OpsSections current="learning" />
            <LearningPage />
          </>
        }
      />
    </Routes>
  </ReactRouterV6PageRouter>
);

/**
 * The Ops page for the new frontend system, whose page header the app draws.
 *
 * @internal
 */
export const NfsOpsPage = () => (
  <Content>
    <OpsRoutes />
  </Content>
);

/**
 * The Ops page for the legacy frontend system: incidents across entities,
 * the page of each incident and of each run, and the unrouted signals.
 *
 * @public
 */
export const OpsPage = () => (
  <Page themeId="tool">
    <Header
      title="Ops"
      subtitle="Incidents across the entities you build and run"
    />
    <Content>
      <OpsRoutes />
    </Content>
  </Page>
);
