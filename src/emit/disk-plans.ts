// A host's disk plan for the emitters that need it (the boot loader in the host module, disko.nix):
// planned once per layout and firmware, which are all it depends on. Hosts of a profile mostly
// share a few layouts, so they share the plans (nothing changes a plan); the memo is emptied past
// a few hundred layouts (a fleet of distinct layouts would otherwise keep a plan per host).
import type { Host } from '../model/fleet.ts';
import { planLayout, type LayoutPlan } from '../model/disk-plan.ts';

const MAX_PLANS = 512;
const plans = new Map<string, LayoutPlan>();

/** planLayout(host.layout, host.firmware), for equal layouts (as JSON) one object. */
export function hostDiskPlan(host: Host): LayoutPlan {
  const key = `${host.firmware}\0${JSON.stringify(host.layout)}`;
  let plan = plans.get(key);
  if (!plan) {
    if (plans.size >= MAX_PLANS) plans.clear();
    plans.set(key, (plan = planLayout(host.layout, host.firmware)));
  }
  return plan;
}
