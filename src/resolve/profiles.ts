// Profiles merged along their extends chains (validate has already ruled out cycles and unknowns).
import type { ProfileInput } from '../model/input.ts';
import type { Profile } from '../model/fleet.ts';
import type { Checked } from '../validate/context.ts';
import { mergeLayers } from './merge.ts';

type Mergeable = Omit<ProfileInput, 'name' | 'extends' | 'description'>;

export function resolveProfiles(profiles: readonly Checked<ProfileInput>[]): Record<string, Profile> {
  const byName = new Map<string, Checked<ProfileInput>>();
  for (const profile of profiles) if (!byName.has(profile.name)) byName.set(profile.name, profile);
  const resolved: Record<string, Profile> = {};
  for (const name of [...byName.keys()].sort()) {
    const chain: Checked<ProfileInput>[] = [];
    for (let current = byName.get(name); current; current = current.data.extends === undefined ? undefined : byName.get(current.data.extends)) {
      chain.unshift(current);
    }
    const merged = chain.reduce<Mergeable>((acc, layer) => mergeLayers(acc, mergeablePart(layer.data)), {});
    const own = byName.get(name)!.data;
    resolved[name] = {
      name,
      ...(own.description !== undefined ? { description: own.description } : {}),
      chain: chain.map((c) => c.name),
      services: merged.services ?? [],
      modules: merged.modules ?? [],
      packages: merged.packages ?? [],
      kernel: {
        params: merged.kernel?.params ?? [],
        modules: merged.kernel?.modules ?? [],
        ...(merged.kernel?.package !== undefined ? { package: merged.kernel.package } : {}),
      },
      labels: merged.labels ?? {},
    };
  }
  return resolved;
}

function mergeablePart(profile: ProfileInput): Mergeable {
  const { name: _name, extends: _extends, description: _description, ...rest } = profile;
  return rest;
}
