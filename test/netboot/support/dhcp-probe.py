#!/usr/bin/env python3
"""A raw DHCP client for tests: sends one DHCPDISCOVER and prints the first OFFER as JSON.

Run inside a network namespace whose only link is a veth on the boot bridge:
  dhcp-probe.py --iface vc0 --mac 52:54:00:20:00:11 --arch 7 [--user-class iPXE] [--ipxe-encap]
Prints {"offer": null} when nothing answers before --timeout seconds. Standard library only.
"""
import argparse
import json
import os
import random
import socket
import struct
import sys
import time

MAGIC = b"\x63\x82\x53\x63"


def build_discover(xid, mac, arch, user_class, ipxe_encap):
    header = struct.pack(
        "!BBBBIHH4s4s4s4s16s64s128s",
        1, 1, 6, 0,  # op BOOTREQUEST, htype Ethernet, hlen 6, hops
        xid, 0, 0x8000,  # secs, flags: broadcast, so the OFFER reaches a client without an address
        b"\0" * 4, b"\0" * 4, b"\0" * 4, b"\0" * 4,
        mac + b"\0" * 10, b"\0" * 64, b"\0" * 128,
    )
    options = bytearray(MAGIC)
    options += bytes([53, 1, 1])  # DHCPDISCOVER
    options += bytes([55, 9, 1, 3, 6, 12, 15, 43, 60, 66, 67])  # parameter request list
    if arch is not None:
        options += bytes([93, 2]) + struct.pack("!H", arch)
        options += bytes([94, 3, 1, 3, 16])  # client network interface identifier (UNDI 3.16)
        vendor = b"PXEClient:Arch:%05d:UNDI:003016" % arch
        options += bytes([60, len(vendor)]) + vendor
    if user_class is not None:
        data = user_class.encode()
        options += bytes([77, len(data)]) + data
    if ipxe_encap:
        # iPXE's encapsulated options: 0xb1 (bus id) is enough to be "an option 175".
        inner = bytes([0xB1, 3, 1, 0x10, 0xEC])
        options += bytes([175, len(inner)]) + inner
    options += bytes([255])
    return header + bytes(options)


def parse_offer(packet, xid):
    if len(packet) < 240 or packet[236:240] != MAGIC:
        return None
    op, _htype, _hlen, _hops, rxid = struct.unpack("!BBBBI", packet[:8])
    if op != 2 or rxid != xid:
        return None
    yiaddr = socket.inet_ntoa(packet[16:20])
    siaddr = socket.inet_ntoa(packet[20:24])
    sname = packet[44:108].split(b"\0", 1)[0].decode("latin-1")
    file_field = packet[108:236].split(b"\0", 1)[0].decode("latin-1")
    options = {}
    i = 240
    while i < len(packet):
        code = packet[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        length = packet[i + 1]
        options[code] = packet[i + 2 : i + 2 + length]
        i += 2 + length
    if options.get(53) != b"\x02":
        return None
    text = lambda code: options[code].split(b"\0", 1)[0].decode("latin-1") if code in options else None
    return {
        "yiaddr": yiaddr,
        "siaddr": siaddr,
        "sname": sname,
        "file": file_field,
        "bootfileOption": text(67),
        "tftpServerOption": text(66),
        "hostName": text(12),
        "serverId": socket.inet_ntoa(options[54]) if 54 in options else None,
        "routers": socket.inet_ntoa(options[3][:4]) if 3 in options else None,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iface", required=True)
    parser.add_argument("--mac", required=True)
    parser.add_argument("--arch", type=int, default=None, help="option 93 value; omit for none")
    parser.add_argument("--user-class", default=None)
    parser.add_argument("--ipxe-encap", action="store_true", help="send an option 175 like iPXE does")
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args()

    mac = bytes.fromhex(args.mac.replace(":", ""))
    xid = random.getrandbits(32)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, args.iface.encode() + b"\0")
    sock.bind(("0.0.0.0", 68))
    packet = build_discover(xid, mac, args.arch, args.user_class, args.ipxe_encap)
    deadline = time.monotonic() + args.timeout
    offer = None
    next_send = 0.0
    while offer is None:
        now = time.monotonic()
        if now >= deadline:
            break
        if now >= next_send:
            sock.sendto(packet, ("255.255.255.255", 67))
            next_send = now + 1.0  # resend like a real client, in case the server was not ready
        sock.settimeout(max(0.01, min(deadline, next_send) - now))
        try:
            data, _addr = sock.recvfrom(4096)
        except socket.timeout:
            continue
        offer = parse_offer(data, xid)
    json.dump({"offer": offer}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
