# A real DNS server (dnsmasq) on loopback for the DNSClient and verify_company_domain tests.
# Sourced, not run (needs scripts/lib.sh). Serves only the zone `test` from its command line
# (no upstream, no /etc/hosts): names under `test` it does not know are NXDOMAIN, anything else
# is REFUSED. `start_test_dns DIR` exports:
#   DNS_TEST_RESOLVER  127.0.0.1:PORT (UDP and TCP)
#   DNS_TEST_ZONE      example-corp.test (the records below live under it)
#   DNS_TEST_TOKEN     the token of the published TXT proof
# and writes DIR/dns.pid (stop it with `stop_test_dns DIR`).
#
# Records (ZONE = example-corp.test):
#   ZONE                MX 10 mail.ZONE, MX 20 mail2.ZONE; TXT "blueprint-verify=TOKEN";
#                       TXT "v=spf1" " -all" (two strings); TXT "blueprint-verify=split-" "proof" (two strings)
#   mail.ZONE           A 127.0.0.10, AAAA ::10
#   aonly.ZONE          A 127.0.0.20 only (no MX: implicit MX)
#   v6only.ZONE         AAAA ::20 only
#   nullmx.ZONE         MX 0 . (RFC 7505 null MX)
#   nomail.ZONE         TXT only (exists, but no MX, A or AAAA)
#   big.ZONE            40 TXT records (about 2.5 KB: truncated over UDP, complete over TCP)
#   xn--3e0b707e.ZONE   (한국.ZONE) MX 10 mail.ZONE
#   anything else under ZONE: NXDOMAIN

start_test_dns() {
  local dir=$1
  mkdir -p "$dir"
  command -v dnsmasq >/dev/null || { echo "dnsmasq is not installed (scripts/apt/test/dns.txt)" >&2; return 1; }
  DNS_TEST_ZONE=example-corp.test
  DNS_TEST_TOKEN=bp-test-token-7f3a
  local zone=$DNS_TEST_ZONE port="" attempt i
  local records=(
    --local=/test/
    --mx-host="$zone,mail.$zone,10" --mx-host="$zone,mail2.$zone,20"
    --txt-record="$zone,blueprint-verify=$DNS_TEST_TOKEN"
    --txt-record="$zone,v=spf1, -all"
    --txt-record="$zone,blueprint-verify=split-,proof"
    --host-record="mail.$zone,127.0.0.10,::10"
    --host-record="aonly.$zone,127.0.0.20"
    --host-record="v6only.$zone,::20"
    --dns-rr="nullmx.$zone,15,000000"
    --txt-record="nomail.$zone,just text"
    --mx-host="xn--3e0b707e.$zone,mail.$zone,10"
  )
  for i in $(seq 1 40); do
    records+=(--txt-record="big.$zone,filler record number $i abcdefghijklmnopqrstuvwxyz")
  done
  # free_port checks TCP only: if the UDP side of the port is taken, dnsmasq exits; try another.
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --conf-file=/dev/null \
      --listen-address=127.0.0.1 --bind-interfaces --port="$port" \
      --user="$(id -un)" --group="$(id -gn)" --pid-file="$dir/dnsmasq-internal.pid" \
      --log-facility="$dir/dnsmasq.log" "${records[@]}" >"$dir/dnsmasq.out" 2>&1 &
    echo $! >"$dir/dns.pid"
    if wait_for python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()"; then
      break
    fi
    stop_pidfile "$dir/dns.pid"
    port=""
  done
  [ -n "$port" ] || { echo "dnsmasq did not start" >&2; cat "$dir/dnsmasq.out" "$dir/dnsmasq.log" >&2 2>/dev/null; return 1; }
  DNS_TEST_RESOLVER="127.0.0.1:$port"
  export DNS_TEST_RESOLVER DNS_TEST_ZONE DNS_TEST_TOKEN
  echo "==> dnsmasq $(dnsmasq --version | head -1 | awk '{print $3}') on $DNS_TEST_RESOLVER (zone $DNS_TEST_ZONE)"
}

stop_test_dns() {
  stop_pidfile "$1/dns.pid"
}
