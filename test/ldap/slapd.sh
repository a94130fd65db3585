#!/usr/bin/env bash
# Starts the test directory: our own slapd on a loopback port, seeded from test/ldap/fixtures.
#   test/ldap/slapd.sh [start|stop|status]
# Idempotent: when a slapd seeded from the same fixtures already answers, it is left alone; otherwise
# the old one is stopped, the database rebuilt offline with slapadd, and slapd started again.
# Needs Debian's slapd and ldap-utils (apt-get install -y slapd ldap-utils).
set -euo pipefail
cd "$(dirname "$0")/../.."

dir="${AGORA_LDAP_TEST_DIR:-/tmp/agora-test-slapd}"
port="${AGORA_LDAP_TEST_PORT:-3389}"
suffix="dc=agora,dc=test"
url="ldap://127.0.0.1:${port}"
slapd=/usr/sbin/slapd

stop() {
  if [ -f "$dir/slapd.pid" ]; then
    local pid
    pid=$(cat "$dir/slapd.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$dir/slapd.pid"
  fi
}

# The fingerprint of what the running server was seeded from, kept as the base entry's description.
answers_with() {
  ldapsearch -x -LLL -o ldif-wrap=no -H "$url" -D "cn=admin,$suffix" -w admin-password -b "$suffix" -s base description 2>/dev/null | grep -qx "description: $1"
}

case "${1:-start}" in
  stop) stop; exit 0 ;;
  status) answers_with "$(cat "$dir/fingerprint" 2>/dev/null || echo none)" && echo "slapd answers on $url" || { echo "no test slapd on $url"; exit 1; }; exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 64 ;;
esac

[ -x "$slapd" ] || { echo "slapd is not installed: apt-get install -y slapd ldap-utils" >&2; exit 1; }
mkdir -p "$dir"
npx tsx test/ldap/fixtures/generate.ts > "$dir/directory.ldif.tmp"
sed -e "s|@DIR@|$dir|g" -e "s|@SUFFIX@|$suffix|g" test/ldap/fixtures/slapd.conf.template > "$dir/slapd.conf.tmp"
fingerprint=$(cat "$dir/directory.ldif.tmp" "$dir/slapd.conf.tmp" | sha256sum | cut -c1-16)

if answers_with "$fingerprint"; then
  rm -f "$dir/directory.ldif.tmp" "$dir/slapd.conf.tmp"
  echo "test slapd already running on $url (fixtures $fingerprint)"
  exit 0
fi

stop
mv "$dir/directory.ldif.tmp" "$dir/directory.ldif"
mv "$dir/slapd.conf.tmp" "$dir/slapd.conf"
rm -rf "$dir/db" && mkdir -p "$dir/db"
# The fingerprint rides on the base entry, so "already seeded" is a question the server answers.
awk -v fp="$fingerprint" 'NR == 1 { print; next } !done && /^$/ { print "description: " fp; done = 1 } { print }' "$dir/directory.ldif" > "$dir/seed.ldif"
slapadd -q -f "$dir/slapd.conf" -l "$dir/seed.ldif"
echo "$fingerprint" > "$dir/fingerprint"
"$slapd" -f "$dir/slapd.conf" -h "$url/" -s 0
for _ in $(seq 1 50); do answers_with "$fingerprint" && break; sleep 0.2; done
answers_with "$fingerprint" || { echo "slapd did not start on $url" >&2; exit 1; }
echo "test slapd running on $url, seeded with $(grep -c '^dn:' "$dir/directory.ldif") entries (fixtures $fingerprint)"
