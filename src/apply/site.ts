// Sites: a fleet split into parts that deploy on their own. Each site has its own deploy lock and
// state under refs/fleetc/sites/<site>/, so one CI job per site deploys at once; a fleet without
// sites keeps refs/fleetc/lock and refs/fleetc/deployed/. Nothing moves between the two by itself.
import type { Fleet, Host } from '../model/fleet.ts';
import type { Plan } from '../plan/types.ts';
import { LOCK_REF } from './lock.ts';
import { STATE_REF_PREFIX } from './state.ts';

/** The label that puts a host in a site. */
export const SITE_LABEL = 'site';

export interface RefNamespace {
  site?: string;
  lockRef: string;
  statePrefix: string;
}

export function refNamespace(site: string | undefined): RefNamespace {
  if (site === undefined) return { lockRef: LOCK_REF, statePrefix: STATE_REF_PREFIX };
  return { site, lockRef: `refs/fleetc/sites/${site}/lock`, statePrefix: `refs/fleetc/sites/${site}/deployed/` };
}

export function siteOf(host: Host): string | undefined {
  return host.labels[SITE_LABEL];
}

/** Why a run with this --site cannot start, or undefined. */
export function siteRefusal(fleet: Fleet, site: string | undefined): string | undefined {
  if (fleet.sites.length === 0) return site === undefined ? undefined : `refused: --site ${site}, but the fleet declares no sites (fleet.yaml sites:)`;
  if (site === undefined) return `refused: the fleet deploys by site (${fleet.sites.join(', ')}); deploy one with --site <name> (one CI job per site)`;
  if (!fleet.sites.includes(site)) return `refused: the fleet has no site ${site} (its sites: ${fleet.sites.join(', ')})`;
  return undefined;
}

/**
 * A site's first run finds no state of its own while the single-site refs hold its hosts: they are
 * not taken over silently (that would hide a half-migrated fleet); the operator moves them.
 */
export function unmigratedState(site: string, siteHosts: readonly string[], legacy: ReadonlySet<string>, remote: string | undefined): string | undefined {
  const stranded = siteHosts.filter((h) => legacy.has(h));
  if (stranded.length === 0) return undefined;
  const where = remote ?? '.';
  return (
    `refused: ${stranded.length} host(s) of site ${site} (${stranded.slice(0, 5).join(', ')}${stranded.length > 5 ? ', …' : ''}) have state only in the single-site refs (${STATE_REF_PREFIX}*), and site ${site} has none yet. ` +
    `fleetc does not move state by itself. Move it once (then delete the old refs), e.g.:\n` +
    `  git fetch ${where} '+${STATE_REF_PREFIX}*:${STATE_REF_PREFIX}*'\n` +
    `  for h in ${stranded.join(' ')}; do git push ${where} ${STATE_REF_PREFIX}$h:refs/fleetc/sites/${site}/deployed/$h; done`
  );
}

/** The part of a plan one site deploys: its hosts, and the waves and counts of those hosts only. */
export function sitePlan(plan: Plan, inSite: (host: string) => boolean): Plan {
  const hosts = plan.hosts.filter((h) => inSite(h.name));
  const unchanged = plan.unchanged && { ...plan.unchanged, hosts: plan.unchanged.hosts.filter(inSite) };
  const byReference = unchanged?.hosts.length ?? 0;
  const summary = Object.fromEntries(Object.keys(plan.summary).map((action) => [action, hosts.filter((h) => h.action === action).length + (action === 'unchanged' ? byReference : 0)])) as Plan['summary'];
  const waves = plan.waves.map((w) => ({ ...w, hosts: w.hosts.filter(inSite) })).filter((w) => w.hosts.length > 0);
  return { ...plan, hosts, ...(unchanged ? { unchanged } : {}), summary, waves };
}
