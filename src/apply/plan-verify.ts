// A plan file is data to check, never authority: it passes through CI artifacts and anyone's
// hands. Apply recomputes the plan from the commit and the recorded state and compares everything
// the rollout would act on — each host's action, profile, cluster, Raft groups, address, rename and
// artifact hashes (of an unchanged host listed by reference, those in the manifest it refers to),
// the policy and the waves. Any difference refuses the plan, saying what differs.
// (Reasons and diffs are descriptions derived from the same data; they are not compared.)
import type { Plan } from '../plan/types.ts';

const MAX_LISTED = 12;

/**
 * What differs between the plan in the file and the plan recomputed at its commit; empty when they
 * agree. `referenced`: the hashes of the hosts the file lists as unchanged by reference, as the
 * manifest it refers to holds them (plan-file.ts referencedHashes; undefined: not in it).
 */
export function planDifferences(file: Plan, recomputed: Plan, referenced: ReadonlyMap<string, Record<string, string> | undefined> = new Map()): string[] {
  const out: string[] = [];
  const differ = (what: string, inFile: unknown, actual: unknown): void => {
    if (!sameValue(inFile, actual)) out.push(`${what}: ${show(inFile)} in the plan file, ${show(actual)} at the commit`);
  };
  differ('fleet', file.fleet, recomputed.fleet);
  differ('policy.order', file.policy?.order, recomputed.policy.order);
  differ('policy.maxParallel', file.policy?.maxParallel, recomputed.policy.maxParallel);

  const given = new Map((file.hosts ?? []).map((h) => [h.name, h]));
  const actual = new Map(recomputed.hosts.map((h) => [h.name, h]));
  for (const key of [...new Set([...given.keys(), ...referenced.keys(), ...actual.keys()])].sort()) {
    const name = show(key);
    const a = given.get(key);
    const b = actual.get(key);
    if (referenced.has(key)) {
      const hashes = referenced.get(key);
      if (a) out.push(`host ${name}: listed in the plan file both with its plan and as unchanged by reference`);
      else if (!b) out.push(`host ${name}: unchanged in the plan file, not part of the plan at the commit`);
      else if (b.action !== 'unchanged') out.push(`host ${name}: unchanged in the plan file, ${b.action} at the commit`);
      else if (!hashes) out.push(`host ${name}: unchanged in the plan file, but not in the manifest it refers to`);
      else if (!sameValue(hashes, b.headManifest)) out.push(`host ${name}: its artifact hashes in the manifest the plan file refers to differ from what the commit compiles to`);
      continue;
    }
    if (!a || !b) {
      const present = (a ?? b)!;
      if (present.action === 'unchanged') continue; // an unchanged host listed or not is the same rollout
      out.push(a ? `host ${name}: ${a.action} in the plan file, not part of the plan at the commit` : `host ${name}: ${b!.action} at the commit, missing from the plan file`);
      continue;
    }
    for (const field of ['action', 'profile', 'cluster', 'raftGroups', 'address', 'renamedFrom', 'renamedTo'] as const) differ(`host ${name} ${field}`, a[field], b[field]);
    if (!sameValue(a.headManifest, b.headManifest)) out.push(`host ${name}: its artifact hashes (headManifest) differ from what the commit compiles to`);
  }
  const waves = (plan: Plan) => (plan.waves ?? []).map((w) => `${w.profile}: ${w.hosts.join(' ')}`);
  if (!sameValue(waves(file), waves(recomputed))) out.push(`waves: ${waves(file).join(' | ') || 'none'} in the plan file, ${waves(recomputed).join(' | ') || 'none'} at the commit`);
  if (out.length > MAX_LISTED) return [...out.slice(0, MAX_LISTED), `and ${out.length - MAX_LISTED} more differences`];
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Objects with sorted keys, so field order in the file does not count as a difference. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  return value;
}

/** A value for the message; text from the file with anything but printable ASCII is quoted, escapes and all. */
function show(value: unknown): string {
  if (value === undefined) return 'none';
  return typeof value === 'string' && /^[\x20-\x7e]*$/.test(value) ? value : JSON.stringify(value);
}
