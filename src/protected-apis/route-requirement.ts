/** A declaration of protection, on a route or on its group (a fastify plugin). */
export interface GroupProtection {
  scope?: string;
  protected?: boolean;
}

/** The scope a route needs, or null when it is unprotected: the route's declaration wins over the group's. */
export function routeRequirement(route: GroupProtection, group: GroupProtection): string[] | null {
  const list = (scope: string) => scope.split(' ').filter((element) => element !== '');
  if (route.scope !== undefined) return list(route.scope);
  if (route.protected === false) return null;
  if (route.protected === true) return group.scope !== undefined ? list(group.scope) : [];
  if (group.scope !== undefined) return list(group.scope);
  if (group.protected === false) return null;
  return [];
}
