# The iPXE script a netboot image publishes beside its kernel and initrd (netboot.ipxe). It passes
# the image's own command line — init= of its stage 2 and its boot.kernelParams, as NixOS's own
# system.build.netbootIpxeScript does (nixos/modules/installer/netboot/netboot.nix) — followed by
# ${cmdline}, which the script that chains to it sets: fleetc's hosts/<mac>.ipxe puts the host's
# identity and kernel parameters there. The kernel and initrd are named relative to the script, so
# iPXE fetches them from the script's own directory.
#
# iPXE has no quoting (src/emit/ipxe/quote.ts says which words it reads unchanged); a parameter it
# would split, expand or read as syntax is refused here instead of reaching the kernel changed.
{ lib }:
{ kernelFile, init, kernelParams }:
let
  problem = word:
    if word == "" then "is empty"
    else if builtins.match ".*[[:space:][:cntrl:]].*" word != null then "contains whitespace or a control character"
    else if lib.hasInfix "\${" word then "contains \"\${\", which iPXE expands as a setting"
    else if lib.elem word [ "||" "&&" ";" ] then "is a command separator for iPXE"
    else if lib.hasPrefix "#" word then "starts with \"#\", which iPXE reads as a comment"
    else null;
  word = w:
    let why = problem w; in
    if why == null then w else throw "netboot.ipxe: the kernel parameter ${builtins.toJSON w} ${why}; iPXE cannot pass it unchanged";
  commandLine = map word ([ "init=${init}" "initrd=initrd" ] ++ kernelParams);
in
''
  #!ipxe
  kernel ${word kernelFile} ${lib.concatStringsSep " " commandLine} ''${cmdline}
  initrd initrd
  imgstat
  boot
''
