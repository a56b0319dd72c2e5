// A host's disk plan for the emitters that need it (the boot loader in the host module, disko.nix):
// planned once for both while a build emits the host, in a memo of the last few hundred hosts
// (a streamed build emits a chunk of hosts emitter by emitter; an unbounded memo would hold a plan
// per host for the whole build).
import type { Host } from '../model/fleet.ts';
import { planLayout, type LayoutPlan } from '../model/disk-plan.ts';

const MAX_PLANS = 512;
const plans = new Map<Host, LayoutPlan>();

/** planLayout(host.layout, host.firmware); a Host is never changed, so its plan is too. */
export function hostDiskPlan(host: Host): LayoutPlan {
  let plan = plans.get(host);
  if (!plan) {
    if (plans.size >= MAX_PLANS) plans.clear();
    plans.set(host, (plan = planLayout(host.layout, host.firmware)));
  }
  return plan;
}
