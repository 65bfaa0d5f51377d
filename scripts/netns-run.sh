#!/usr/bin/env bash
# Runs a command inside a fresh network namespace that has only a loopback interface, so every
# packet the command sends (browsers, servers, load generators) stays on 127.0.0.1 by construction.
# With --peer, also makes a second namespace joined by a veth pair (10.211.0.1 here, 10.211.0.2 there)
# for a server that will not work on loopback (Janus: libnice ignores it); its name is exported as
# COSTREAM_PEER_NETNS. Both namespaces are removed afterwards. Needs root (or CAP_SYS_ADMIN).
set -uo pipefail
peer=0
if [ "${1:-}" = "--peer" ]; then peer=1; shift; fi
ns="costream-$$"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
cleanup() {
  $SUDO ip netns del "$ns" 2>/dev/null
  [ $peer -eq 1 ] && $SUDO ip netns del "$ns-peer" 2>/dev/null
  return 0
}
trap cleanup EXIT
if ! $SUDO ip netns add "$ns" 2>/dev/null; then
  echo "netns-run: cannot create a network namespace here; running without one" >&2
  "$@"
  exit $?
fi
$SUDO ip netns exec "$ns" ip link set lo up
if [ $peer -eq 1 ]; then
  $SUDO ip netns add "$ns-peer"
  $SUDO ip netns exec "$ns-peer" ip link set lo up
  $SUDO ip link add "cs$$a" netns "$ns" type veth peer name "cs$$b" netns "$ns-peer"
  $SUDO ip netns exec "$ns" ip addr add 10.211.0.1/30 dev "cs$$a"
  $SUDO ip netns exec "$ns" ip link set "cs$$a" up
  $SUDO ip netns exec "$ns-peer" ip addr add 10.211.0.2/30 dev "cs$$b"
  $SUDO ip netns exec "$ns-peer" ip link set "cs$$b" up
  export COSTREAM_PEER_NETNS="$ns-peer" COSTREAM_PEER_ADDRESS=10.211.0.2 COSTREAM_LAB_ADDRESS=10.211.0.1 COSTREAM_PEER_INTERFACE="cs$$b"
fi
if [ -n "$SUDO" ]; then exec sudo -E ip netns exec "$ns" "$@"; else ip netns exec "$ns" "$@"; fi
