// Reads a plan written by `fleetc plan --format json`, checked against schema/plan.schema.json, and
// the committed manifest it refers to for its unchanged hosts.
import { readFile } from 'node:fs/promises';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { ajv2020 } from '../util/lazy-modules.ts';
import { readSchema } from '../validate/schemas.ts';
import { PLAN_FORMAT_VERSION, type Plan } from '../plan/types.ts';
import { entryOf } from '../plan/build.ts';
import { parseManifest } from '../plan/committed.ts';
import type { Repository } from '../git/repository.ts';
import { readBlobs } from '../git/tree-reader.ts';
import { blobIdOf } from '../load/parse-cache.ts';

export class PlanFileError extends Error {}

let validatePlan: ReturnType<Ajv2020['compile']> | undefined;

export async function loadPlanFile(file: string): Promise<Plan> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new PlanFileError(`cannot read plan ${file}: ${(error as Error).message}`);
  }
  // Another format's plan (format 1 listed every host by value) is told as such, not as a schema error.
  const version = (data as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version !== PLAN_FORMAT_VERSION) throw new PlanFileError(`${file} has plan format ${version}; this fleetc reads ${PLAN_FORMAT_VERSION}: plan again with this fleetc`);
  validatePlan ??= new (ajv2020())({ allErrors: true, strict: false }).compile(readSchema('plan.schema.json'));
  if (!validatePlan(data)) {
    const first = validatePlan.errors?.[0];
    throw new PlanFileError(`${file} is not a fleetc plan: ${first?.instancePath || '/'} ${first?.message ?? ''}`);
  }
  const plan = data as Plan;
  if (!plan.head.commit) throw new PlanFileError(`${file} plans the working tree; apply deploys commits: plan with --head <commit>`);
  return plan;
}

/**
 * The artifact hashes of the hosts a plan file lists as unchanged by reference (Plan.unchanged), read
 * from the manifest blob it names — checked to be that blob, since git does not hash what it reads.
 * A string says why they cannot be read: apply refuses the plan then.
 */
export async function referencedHashes(repo: Repository, plan: Plan): Promise<Map<string, Record<string, string> | undefined> | string> {
  if (!plan.unchanged) return new Map();
  const { blob, path } = plan.unchanged.manifest;
  let bytes: Buffer | undefined;
  try {
    bytes = (await readBlobs(repo, [blob])).get(blob);
  } catch {
    bytes = undefined;
  }
  if (!bytes || blobIdOf(bytes) !== blob) return `the manifest the plan file refers to for its unchanged hosts (${path}, blob ${blob}) is not in this repository`;
  const manifest = parseManifest(bytes);
  if (!manifest) return `the manifest the plan file refers to for its unchanged hosts (${path}, blob ${blob}) is not a fleetc manifest`;
  const hashes = new Map<string, Record<string, string> | undefined>();
  for (const name of plan.unchanged.hosts) {
    const entry = entryOf(manifest, name);
    hashes.set(name, entry && Object.fromEntries(Object.entries(entry.artifacts).map(([file, artifact]) => [file, artifact.sha256])));
  }
  return hashes;
}
