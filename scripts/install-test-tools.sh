#!/usr/bin/env bash
# Installs the system tools the tests drive (dhcpd, Kea, Nix, QEMU/iPXE, ipmi_sim, sshd, …) when
# they are missing. Debian/Ubuntu, as root. Idempotent: a machine that has them all installs nothing.
set -euo pipefail

# command → Debian package that provides it
declare -A PACKAGES=(
  [git]=git
  [ip]=iproute2
  [nix-instantiate]=nix-bin
  [dhcpd]=isc-dhcp-server
  [kea-dhcp4]=kea-dhcp4-server
  [qemu-system-x86_64]=qemu-system-x86
  [dnsmasq]=dnsmasq-base
  [ipmitool]=ipmitool
  [ipmi_sim]=openipmi
  [sshd]=openssh-server
  [ssh]=openssh-client
  [rsync]=rsync
  [python3]=python3
  [redfishtool]=redfishtool
  [openssl]=openssl
  [unshare]=util-linux
  [flock]=util-linux
  [setpriv]=util-linux
  [mount]=mount
)
# Files (not commands) the boot tests need.
declare -A FILES=(
  [/usr/lib/ipxe/undionly.kpxe]=ipxe
  [/usr/lib/ipxe/qemu/efi-virtio.rom]=ipxe-qemu
  [/usr/share/OVMF/OVMF_CODE_4M.fd]=ovmf
)

missing=()
for cmd in "${!PACKAGES[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ]; then missing+=("${PACKAGES[$cmd]}"); fi
done
for file in "${!FILES[@]}"; do
  [ -e "$file" ] || missing+=("${FILES[$file]}")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-tools: all test tools present"
  exit 0
fi

mapfile -t unique < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "install-test-tools: installing ${unique[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-tools: need root to apt-get install ${unique[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${unique[@]}" >/dev/null
echo "install-test-tools: done"
