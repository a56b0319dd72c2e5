// Reads a plan written by `fleetc plan --format json`, checked against schema/plan.schema.json.
import { readFile } from 'node:fs/promises';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { ajv2020 } from '../util/lazy-modules.ts';
import { readSchema } from '../validate/schemas.ts';
import { PLAN_FORMAT_VERSION, type Plan } from '../plan/types.ts';

export class PlanFileError extends Error {}

let validatePlan: ReturnType<Ajv2020['compile']> | undefined;

export async function loadPlanFile(file: string): Promise<Plan> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new PlanFileError(`cannot read plan ${file}: ${(error as Error).message}`);
  }
  validatePlan ??= new (ajv2020())({ allErrors: true, strict: false }).compile(readSchema('plan.schema.json'));
  if (!validatePlan(data)) {
    const first = validatePlan.errors?.[0];
    throw new PlanFileError(`${file} is not a fleetc plan: ${first?.instancePath || '/'} ${first?.message ?? ''}`);
  }
  const plan = data as Plan;
  if (plan.formatVersion !== PLAN_FORMAT_VERSION) throw new PlanFileError(`${file} has plan format ${plan.formatVersion}; this fleetc reads ${PLAN_FORMAT_VERSION}`);
  if (!plan.head.commit) throw new PlanFileError(`${file} plans the working tree; apply deploys commits: plan with --head <commit>`);
  return plan;
}
