import {
  AnyParams,
  RouteFunc,
  RouteRef,
  SubRouteRef,
  useRouteRef,
} from '@backstage/core-plugin-api';

/**
 * A link to a page of this plugin, or undefined when the app does not mount
 * that page (a legacy app may show the entity cards without the Ops page).
 * `useRouteRef` throws in that case; its hooks run in the same order either
 * way, so catching here is safe.
 */
export function useOptionalRouteRef<Params extends AnyParams>(
  routeRef: RouteRef<Params> | SubRouteRef<Params>,
): RouteFunc<Params> | undefined {
  try {
    return useRouteRef(routeRef);
  } catch {
    return undefined;
  }
}
