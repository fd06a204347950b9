/*
 * The demo portal's backend: a standard Backstage backend with the Operable
 * suite installed.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// events: lets plugins of several backend replicas hear each other
backend.add(import('@backstage/plugin-events-backend'));

// auth: the guest provider is enough for the demo portal
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permissions
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// scaffolder: golden-path templates
backend.add(import('@backstage/plugin-scaffolder-backend'));

// notifications and signals: pages and live updates
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// AI assistants reach registered actions through MCP
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.add(import('@backstage/plugin-user-settings-backend'));

// Operable
backend.add(import('@operable/backstage-plugin-ops-backend'));
backend.add(import('@operable/backstage-plugin-catalog-backend-module-ops'));

backend.start();
