import { createApp } from '@backstage/frontend-defaults';
import { navModule } from './modules/nav';

// The plugins themselves (catalog, org, scaffolder, notifications, the
// Operable ops plugin, ...) are discovered from this package's dependencies
// through `app.packages: all` in app-config.yaml; only app-local modules are
// listed here.
export default createApp({
  features: [navModule],
});
