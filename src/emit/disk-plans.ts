// A host's disk plan for the emitters that need it (the boot loader in the host module, disko.nix):
// planned once per layout and firmware, which are all it depends on. Hosts of a profile mostly
// share a few layouts, so they share the plans (nothing changes a plan). Both memos are emptied
// past a few hundred entries: a streamed build emits a chunk of hosts emitter by emitter, and a
// fleet of distinct layouts would otherwise keep a plan per host for the whole build.
import type { Host } from '../model/fleet.ts';
import { planLayout, type LayoutPlan } from '../model/disk-plan.ts';

const MAX_PLANS = 512;
/** By host, while a chunk is emitted: the layout's key is made once per host. */
const byHost = new Map<Host, LayoutPlan>();
const byLayout = new Map<string, LayoutPlan>();

/** planLayout(host.layout, host.firmware), for equal layouts (as JSON) one object. */
export function hostDiskPlan(host: Host): LayoutPlan {
  let plan = byHost.get(host);
  if (!plan) {
    const key = `${host.firmware}\0${JSON.stringify(host.layout)}`;
    plan = byLayout.get(key);
    if (!plan) {
      if (byLayout.size >= MAX_PLANS) byLayout.clear();
      byLayout.set(key, (plan = planLayout(host.layout, host.firmware)));
    }
    if (byHost.size >= MAX_PLANS) byHost.clear();
    byHost.set(host, plan);
  }
  return plan;
}
