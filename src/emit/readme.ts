// generated/README.md: tells a reader of the repository where these files come from.
import type { Emitter } from './artifact.ts';

export const emitReadme: Emitter = (fleet) => [
  {
    path: 'README.md',
    kind: 'doc',
    contents: [
      `# generated/ — compiled output of fleet ${fleet.name}`,
      '',
      'Every file here is written by `fleetc build` from the fleet YAML and replaced as a whole on each',
      'build. Do not edit these files: change the fleet and rebuild. CI runs `fleetc build --check` to',
      'make sure this directory matches the fleet.',
      '',
      '- `../flake.nix` and `../flake.lock` (at the fleet repository root, written by the same build) — the pinned inputs and one `nixosConfigurations.<host>` per host (`nixos-rebuild --flake .#<host>` from the root)',
      '- `hosts/<host>/` — `host.nix` (resolved data), `default.nix` (NixOS module), `disko.nix` (disk layout), `first-boot.json` (first-boot steps, see docs/first-boot.md)',
      '- `dhcp/` — `dhcpd.conf` and `kea-dhcp4.json`: reservations and PXE/iPXE boot detection (docs/network-boot.md)',
      '- `ipxe/` — `boot.ipxe` (entry script and menu) and `hosts/<mac>.ipxe` (one per boot NIC), served over HTTP',
      '- `netboot/` — `installer.json` (the SSH keys and ports of the netboot installers) and `boot-server.json` (what the boot server builds and serves), read by nix/modules/pxe-server.nix',
      '- `manifest.json` — the hash of every file, per host, which `fleetc plan` compares',
      '',
    ].join('\n'),
  },
];
