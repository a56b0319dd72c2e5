// The stand-in itself: the real module system rejects what NixOS would reject (unknown options, wrong
// types, unit and link values NixOS checks), and pkgs knows the platform packages only through overlays.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { requireTools } from '../helpers/tools.ts';
import { evalJson, evalWithStandin, standinDir } from './standin.ts';

const system = (module: string, read: string) => `let s = lib.nixosSystem { modules = [ { nixpkgs.hostPlatform = "x86_64-linux"; } (${module}) ]; }; in ${read}`;

describe('NixOS stand-in', () => {
  test('lib is nixpkgs’ real lib (26.11pre) with nixosSystem on evalModules', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'tar')) return;
    const dir = standinDir(t);
    assert.equal(await evalJson(dir, 'lib.trivial.release'), '26.11');
    assert.deepEqual(await evalJson(dir, system('{ networking.hostName = "cp-1"; boot.kernelParams = lib.mkBefore [ "a" ]; }', '{ inherit (s.config.networking) hostName; inherit (s.config.boot) kernelParams; }')), { hostName: 'cp-1', kernelParams: ['a'] });
  });

  const rejected: Array<[string, string, RegExp]> = [
    ['a misspelled option', '{ networking.firewal.enable = true; }', /option `networking\.firewal' does not exist/],
    ['an option inside a unit that does not exist', '{ systemd.services.x.serviceConf.Type = "oneshot"; }', /serviceConf' does not exist/],
    ['an MTU as a string', '{ networking.interfaces.eno1.mtu = "9000"; }', /is not of type `null or signed integer'/],
    ['a port out of range', '{ networking.firewall.interfaces.eno1.allowedUDPPorts = [ 70000 ]; }', /is not of type `16 bit unsigned integer/],
    ['a unit name without a suffix', '{ systemd.services.x.after = [ "chainfire" ]; }', /after.*is not of type `string matching the pattern/],
    ['an unknown Type=', '{ systemd.services.x.serviceConfig.Type = "oneshoot"; }', /Type= cannot be "oneshoot"/],
    ['an unknown [Link] key', '{ systemd.network.links."10-eno1".linkConfig.MTU = "9000"; }', /\[Link\] has keys the stand-in does not know: MTU/],
    ['MTUBytes= as a number', '{ systemd.network.links."10-eno1".linkConfig.MTUBytes = 9000; }', /MTUBytes= must be a string/],
    ['an unknown journald storage', '{ services.journald.storage = "disk"; }', /is not of type `one of "persistent"/],
    ['a host name with a dot', '{ networking.hostName = "cp-1.lab"; }', /is not of type `string matching/],
  ];
  for (const [what, module, error] of rejected) {
    test(`rejects ${what}`, async (t) => {
      if (!requireTools(t, 'nix-instantiate', 'tar')) return;
      const result = await evalWithStandin(standinDir(t), system(module, 's.config.networking.hostName'));
      const forced = result.ok ? await evalWithStandin(standinDir(t), system(module, 'builtins.deepSeq [ s.config.systemd s.config.networking s.config.environment.etc."systemd/journald.conf".text ] true')) : result;
      assert.equal(forced.ok, false, `${what} must fail`);
      assert.match(forced.stderr, error);
    });
  }

  test('pkgs: the fleet’s packages evaluate; chainfire exists only through nixpkgs.overlays, applied in order', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'tar')) return;
    const dir = standinDir(t);
    const paths = await evalJson<string[]>(dir, system('{ }', 'map (name: s.pkgs.${name}.outPath) [ "htop" "tcpdump" "iperf3" "smartmontools" "ipmitool" "nodejs" ]'));
    for (const p of paths) assert.match(p, /^\/nix\/store\/[a-z0-9]{32}-/);
    const without = await evalWithStandin(dir, system('{ }', 's.pkgs.chainfire.outPath'));
    assert.equal(without.ok, false);
    assert.match(without.stderr, /attribute 'chainfire' missing/);
    const overlays = `{ pkgs, ... }: { nixpkgs.overlays = [ (final: prev: { chainfire = final.writeShellApplication { name = "chainfire"; text = "exit 0"; }; }) (final: prev: { chainfire = prev.chainfire // { wrapped = true; }; }) ]; environment.systemPackages = [ pkgs.chainfire ]; }`;
    const withOverlay = await evalJson<{ name: string; wrapped: boolean }>(dir, system(overlays, '{ inherit (builtins.head s.config.environment.systemPackages) name wrapped; }'));
    assert.deepEqual(withOverlay, { name: 'chainfire', wrapped: true });
  });
});
