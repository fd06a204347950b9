import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import appPackage from '../package.json';
import App from './App';

/**
 * Does what the CLI's package detection does for `app.packages: all`: every
 * frontend plugin among the app's dependencies, and its `./alpha` export when
 * it has one, ends up in a global that `createApp` reads.
 */
function discoverFeaturesLikeTheCli() {
  return Object.keys(appPackage.dependencies).flatMap(name => {
    const pkg = require(`${name}/package.json`);
    const role = pkg.backstage?.role ?? '';
    if (!['frontend-plugin', 'frontend-plugin-module'].includes(role)) {
      return [];
    }
    const main = { name, default: require(name).default };
    if (pkg.exports && './alpha' in pkg.exports) {
      const alpha = require(`${name}/alpha`).default;
      return [main, { name, export: './alpha', default: alpha }];
    }
    return [main];
  });
}

describe('App', () => {
  beforeAll(() => {
    (window as any)['__@backstage/discovered__'] = {
      modules: discoverFeaturesLikeTheCli(),
    };
  });

  afterAll(() => {
    delete (window as any)['__@backstage/discovered__'];
  });

  beforeEach(() => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test', packages: 'all' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
  });

  afterEach(() => {
    localStorage.clear();
    jest.restoreAllMocks();
  });

  it('discovers the Operable ops plugin among the features', () => {
    const discovered = (window as any)['__@backstage/discovered__'].modules;
    expect(discovered).toContainEqual(
      expect.objectContaining({
        name: '@operable/backstage-plugin-ops',
        export: './alpha',
        default: expect.objectContaining({ pluginId: 'ops' }),
      }),
    );
  });

  it('asks who is signing in', async () => {
    render(App.createRoot());

    expect(
      await screen.findByRole('button', { name: 'Enter' }, { timeout: 15000 }),
    ).toBeInTheDocument();
  }, 20000);

  it('renders the sidebar with the discovered plugins for a guest', async () => {
    // Without an auth backend the guest provider offers the legacy guest
    // token instead, which is good enough to render the app.
    const confirm = jest.spyOn(window, 'confirm').mockReturnValue(true);
    render(App.createRoot());

    await userEvent.click(
      await screen.findByRole('button', { name: 'Enter' }, { timeout: 15000 }),
    );

    // The offer comes once the call to the missing auth backend has failed,
    // which may be after the click returns on a busy machine.
    await waitFor(() => expect(confirm).toHaveBeenCalled(), {
      timeout: 15000,
    });
    expect(
      await screen.findByRole('link', { name: 'Catalog' }, { timeout: 15000 }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Catalog Graph' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Home' })).toBeInTheDocument();
  }, 30000);
});
