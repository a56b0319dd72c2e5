// The generated flake's wiring, evaluated by real Nix offline: the NixOS stand-in (test/nixos-standin:
// nixpkgs' real lib and evalModules) replaces nixpkgs and a stub flake replaces disko, so every host's configuration is built
// from flake.nix → hosts/<host>/default.nix → host.nix, disko.nix and the hand-written nix/ modules.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { compileExample } from '../helpers/example.ts';
import { exampleFlakeRepository } from '../helpers/flake-repo.ts';
import { addDiskoToStore, requireNixSources } from '../helpers/nix-src.ts';
import { NIX_ENV, requireTools } from '../helpers/tools.ts';
import { standinDir } from '../nixos-standin/standin.ts';

const SUMMARY = `configurations: builtins.mapAttrs (name: system: let c = system.config; in {
  hostName = c.networking.hostName;
  domain = c.networking.domain;
  chainfire = c.platform.services ? chainfire && c.platform.services.chainfire.enable;
  flaredbAfter = if c.platform.services ? flaredb then c.systemd.services.flaredb.after else null;
  disks = builtins.attrNames c.disko.devices.disk;
  kernelParams = c.boot.kernelParams;
  # What disko's own module makes of the layout (module.nix: fileSystems, swapDevices from _config).
  mounts = builtins.mapAttrs (_: fs: { inherit (fs) device fsType; }) c.fileSystems;
  swaps = map (s: s.device) c.swapDevices;
  grubDevices = c.boot.loader.grub.devices;
  hostData = builtins.fromJSON c.environment.etc."fleet/host.json".text;
  platform = c.environment.etc."photon/platform".text;
  # The platform flake's overlay gives pkgs its packages: the unit runs the overlay's chainfire.
  chainfireExec = if c.platform.services ? chainfire then c.systemd.services.chainfire.serviceConfig.ExecStart else null;
}) configurations`;

test('nix eval of every nixosConfiguration gives the host its name, services, disks, data and the platform module', async (t) => {
  if (!requireTools(t, 'nix', 'unshare', 'git')) return;
  const { fleet } = await compileExample();
  if (!fleet) return assert.fail('the example fleet does not compile');
  // The flake at the repository root, as the example keeps it; the platform flake is passed on the
  // command line (Nix 2.8 cannot read its lock entry, see dropRelativeLocks).
  const sources = requireNixSources(t);
  if (!sources) return;
  const diskoSource = addDiskoToStore(t, sources);
  const { repo } = exampleFlakeRepository(t);
  // An empty network namespace: Nix must not (and cannot) reach the github: inputs it was given.
  const output = execFileSync('unshare', ['-n', 'nix', 'eval', '--json', '--no-write-lock-file',
    `git+file://${repo}#nixosConfigurations`,
    '--override-input', 'nixpkgs', `path:${standinDir(t)}`,
    '--override-input', 'platform', `path:${repo}/nix/platform`,
    '--apply', SUMMARY], { env: NIX_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const evaluated = JSON.parse(output) as Record<string, { hostName: string; domain: string; chainfire: boolean; flaredbAfter: string[] | null; disks: string[]; kernelParams: string[]; hostData: unknown; platform: string; chainfireExec: string | null; mounts: Record<string, { device: string; fsType: string }>; swaps: string[]; grubDevices: string[] }>;

  assert.deepEqual(Object.keys(evaluated).sort(), fleet.hosts.map((h) => h.name).sort());
  for (const host of fleet.hosts) {
    const c = evaluated[host.name]!;
    assert.equal(c.hostName, host.name);
    assert.equal(c.domain, host.domain);
    assert.equal(c.chainfire, host.services.includes('chainfire'));
    if (host.services.includes('flaredb')) assert.ok(c.flaredbAfter?.includes('chainfire.service'), `${host.name}: flaredb starts after chainfire`);
    assert.deepEqual(c.disks.sort(), Object.keys(host.disks).sort());
    assert.deepEqual(c.kernelParams, host.kernel.params);
    assert.deepEqual(c.hostData, JSON.parse(JSON.stringify(host)));
    assert.match(c.platform, /stand-in platform/, `${host.name} imports the platform flake's NixOS module`);
    if (host.services.includes('chainfire')) assert.match(c.chainfireExec!, /^\/nix\/store\/[a-z0-9]{32}-chainfire\/bin\/chainfire --config \/etc\/photon\/chainfire.json$/, `${host.name}: chainfire from the platform overlay`);
    else assert.equal(c.chainfireExec, null);
    // Mounted as the layout says, on the devices disko's types name.
    assert.ok(c.mounts['/'], `${host.name}: / is mounted`);
    if (host.layout.kind === 'raid1') assert.equal(c.mounts['/']!.device, '/dev/md/root');
    if (host.layout.kind === 'zfs') assert.equal(c.mounts['/']!.fsType, 'zfs');
    if (host.layout.kind === 'lvm') assert.match(c.mounts['/']!.device, new RegExp(`^/dev/${host.layout.vg}/`));
    const disks = host.layout.kind === 'single' || host.layout.kind === 'lvm' ? [host.layout.disk] : host.layout.disks;
    if (host.firmware === 'uefi') {
      // An ESP on every disk of the layout (docs/disks.md): /boot, and /boot-<disk> on the others.
      assert.deepEqual(Object.keys(c.mounts).filter((m) => m.startsWith('/boot')).sort(), ['/boot', ...disks.slice(1).map((d) => `/boot-${d}`)].sort(), host.name);
      assert.deepEqual(c.grubDevices, [], `${host.name}: UEFI, nothing in the MBR`);
    } else if (host.layout.kind !== 'zfs') {
      // disko adds every disk with an EF02 partition to GRUB's devices (lib/types/gpt.nix).
      assert.deepEqual(c.grubDevices, disks.map((d) => host.disks[d]!.device), host.name);
    }
    if ('swap' in host.layout && host.layout.swap) assert.equal(c.swaps.length, disks.length, `${host.name}: a swap partition per disk`);
  }
  assert.ok(diskoSource.startsWith('/nix/store/'));
});

test('every host records the fleet commit it is built from: system.configurationRevision is the flake\'s self.rev (or dirtyRev)', async (t) => {
  if (!requireTools(t, 'nix', 'git')) return;
  // Nix 2.8 drops self.rev under --override-input, so the flake's outputs function is called here
  // with its inputs given directly: the NixOS stand-in as nixpkgs, disko's real module, the platform flake.
  const sources = requireNixSources(t);
  if (!sources) return;
  const diskoSource = addDiskoToStore(t, sources);
  const { repo } = exampleFlakeRepository(t);
  const revisions = (self: string) => JSON.parse(execFileSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', `
    let
      nixpkgs = import ${standinDir(t)};
      disko = { nixosModules.disko = ${diskoSource}/module.nix; };
      platform = (import ${repo}/nix/platform/flake.nix).outputs { self = platform; inherit nixpkgs; };
      flake = (import ${repo}/flake.nix).outputs { self = ${self} // { outPath = ${repo}; }; inherit nixpkgs disko platform; };
    in builtins.mapAttrs (name: system: system.config.system.configurationRevision) flake.nixosConfigurations`], { env: NIX_ENV, encoding: 'utf8' })) as Record<string, string | null>;
  const commit = 'c0ffee0000000000000000000000000000000001';
  const clean = revisions(`{ rev = "${commit}"; }`);
  assert.ok(Object.keys(clean).length >= 7);
  for (const [host, revision] of Object.entries(clean)) assert.equal(revision, commit, host);
  for (const revision of Object.values(revisions(`{ dirtyRev = "${commit}-dirty"; }`))) assert.equal(revision, `${commit}-dirty`);
  for (const revision of Object.values(revisions('{ }'))) assert.equal(revision, null);
});
