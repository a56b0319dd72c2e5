// What resolve keeps between runs (fleetc watch, the two sides of a plan): the merged profiles, while
// the profile files are the same, and each Host, while its file, its profile and fleet.yaml are the
// same — by identity of the parsed data, which the parse cache shares and freezes.
import { Reporter } from '../diagnostics/reporter.ts';
import type { FleetInput, HostInput, ProfileInput } from '../model/input.ts';
import type { Host, Profile } from '../model/fleet.ts';
import type { Checked } from '../validate/context.ts';

interface KeptHost {
  name: string;
  fleet: FleetInput;
  profile: Profile;
  host: Host;
}

export class ResolveMemo {
  private kept: { inputs: Array<[string, ProfileInput]>; profiles: Record<string, Profile> } | undefined;
  private hosts = new WeakMap<object, KeptHost[]>();
  /** Per cluster and check, the last result with its findings, and the objects it was made from. */
  private clusters = new Map<string, { inputs: readonly unknown[]; value: unknown; diagnostics: Reporter['diagnostics'] }>();

  /**
   * A per-cluster result (clusters.ts, first-boot.ts), made again only when one of its inputs is
   * not the same object as last time: the fleet file, each member's Host and document (whose
   * positions its findings carry). Its findings are reported either way.
   */
  cluster<T>(key: string, inputs: readonly unknown[], report: Reporter, compute: (report: Reporter) => T): T {
    const kept = this.clusters.get(key);
    if (kept && kept.inputs.length === inputs.length && kept.inputs.every((input, i) => input === inputs[i])) {
      report.diagnostics.push(...kept.diagnostics);
      return kept.value as T;
    }
    const own = new Reporter();
    const value = compute(own);
    this.clusters.set(key, { inputs, value, diagnostics: own.diagnostics });
    report.diagnostics.push(...own.diagnostics);
    return value;
  }

  profiles(inputs: readonly Checked<ProfileInput>[], resolve: () => Record<string, Profile>): Record<string, Profile> {
    const kept = this.kept;
    if (kept && kept.inputs.length === inputs.length && inputs.every((p, i) => kept.inputs[i]![0] === p.name && kept.inputs[i]![1] === p.data && Object.isFrozen(p.data))) return kept.profiles;
    const profiles = resolve();
    this.kept = { inputs: inputs.map((p) => [p.name, p.data]), profiles };
    return profiles;
  }

  host(checked: Checked<HostInput>, fleet: FleetInput, profile: Profile, resolve: () => Host): Host {
    const data = checked.data as object;
    const list = this.hosts.get(data);
    const found = list?.find((k) => k.name === checked.name && k.fleet === fleet && k.profile === profile);
    if (found) return found.host;
    const host = resolve();
    if (Object.isFrozen(data) && Object.isFrozen(fleet)) {
      // Few entries per data object: the same bytes under another name, or with another fleet.yaml (a plan's two sides).
      this.hosts.set(data, [...(list ?? []).slice(-3), { name: checked.name, fleet, profile, host }]);
    }
    return host;
  }
}
