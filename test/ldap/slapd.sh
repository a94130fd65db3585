#!/usr/bin/env bash
# Starts the test directory: our own slapd on a loopback port, seeded from test/ldap/fixtures, with
# StartTLS on the ldap:// port and LDAPS on a second port, under a throwaway CA made here with openssl
# ($dir/tls/ca.pem; $dir/tls/other-ca.pem is a CA that signed nothing, for the "wrong CA" tests).
#   test/ldap/slapd.sh [start|stop|status]
# Idempotent: when a slapd seeded from the same fixtures and certificates already answers, it is left
# alone; otherwise the old one is stopped, the database rebuilt offline with slapadd, and slapd started
# again. Needs Debian's slapd and ldap-utils (apt-get install -y slapd ldap-utils) and openssl.
set -euo pipefail
cd "$(dirname "$0")/../.."

dir="${AGORA_LDAP_TEST_DIR:-/tmp/agora-test-slapd}"
port="${AGORA_LDAP_TEST_PORT:-3389}"
tls_port="${AGORA_LDAP_TEST_TLS_PORT:-3636}"
suffix="dc=agora,dc=test"
url="ldap://127.0.0.1:${port}"
tls_url="ldaps://127.0.0.1:${tls_port}"
tls="$dir/tls"
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
  # A server of this directory whose pid file is gone (a run stopped half-way): found by its configuration's path.
  if pkill -f "slapd -f $dir/slapd.conf" 2>/dev/null; then
    for _ in $(seq 1 50); do pgrep -f "slapd -f $dir/slapd.conf" >/dev/null || break; sleep 0.1; done
  fi
}

# The fingerprint of what the running server was seeded from, kept as the base entry's description;
# asked over plain ldap://, StartTLS and ldaps://, each checked against the test CA.
answers_with() {
  local ask=(ldapsearch -x -LLL -o ldif-wrap=no -D "cn=admin,$suffix" -w admin-password -b "$suffix" -s base description)
  "${ask[@]}" -H "$url" 2>/dev/null | grep -qx "description: $1" &&
    LDAPTLS_CACERT="$tls/ca.pem" LDAPTLS_REQCERT=demand "${ask[@]}" -ZZ -H "$url" 2>/dev/null | grep -qx "description: $1" &&
    LDAPTLS_CACERT="$tls/ca.pem" LDAPTLS_REQCERT=demand "${ask[@]}" -H "$tls_url" 2>/dev/null | grep -qx "description: $1"
}

# A throwaway CA, a server certificate it signs for 127.0.0.1 and localhost, and an unrelated CA.
# Made once (EC keys: milliseconds) and kept while the server certificate has a day left.
make_tls() {
  if [ -s "$tls/other-ca.pem" ] && openssl x509 -checkend 86400 -noout -in "$tls/server.pem" >/dev/null 2>&1; then return 0; fi
  rm -rf "$tls" && mkdir -p "$tls"
  local key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  local ca_ext=(-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign")
  openssl req -x509 "${key[@]}" -days 3650 -subj "/O=Agora tests/CN=Agora test CA" "${ca_ext[@]}" -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
  openssl req -x509 "${key[@]}" -days 3650 -subj "/O=Agora tests/CN=Some other CA" "${ca_ext[@]}" -keyout "$tls/other-ca.key" -out "$tls/other-ca.pem" 2>/dev/null
  openssl req -new "${key[@]}" -subj "/O=Agora tests/CN=127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" > "$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 825 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
  chmod 600 "$tls"/*.key
}

case "${1:-start}" in
  stop) stop; exit 0 ;;
  status) answers_with "$(cat "$dir/fingerprint" 2>/dev/null || echo none)" && echo "slapd answers on $url (StartTLS) and $tls_url" || { echo "no test slapd on $url"; exit 1; }; exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 64 ;;
esac

[ -x "$slapd" ] || { echo "slapd is not installed: apt-get install -y slapd ldap-utils" >&2; exit 1; }
mkdir -p "$dir"
command -v openssl >/dev/null || { echo "openssl is not installed: apt-get install -y openssl" >&2; exit 1; }
make_tls
npx tsx test/ldap/fixtures/generate.ts > "$dir/directory.ldif.tmp"
sed -e "s|@DIR@|$dir|g" -e "s|@SUFFIX@|$suffix|g" test/ldap/fixtures/slapd.conf.template > "$dir/slapd.conf.tmp"
fingerprint=$(cat "$dir/directory.ldif.tmp" "$dir/slapd.conf.tmp" "$tls/server.pem" | sha256sum | cut -c1-16)

if answers_with "$fingerprint"; then
  rm -f "$dir/directory.ldif.tmp" "$dir/slapd.conf.tmp"
  echo "test slapd already running on $url and $tls_url (fixtures $fingerprint)"
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
"$slapd" -f "$dir/slapd.conf" -h "$url/ $tls_url/" -s 0
for _ in $(seq 1 50); do answers_with "$fingerprint" && break; sleep 0.2; done
answers_with "$fingerprint" || { echo "slapd did not start on $url and $tls_url (with TLS)" >&2; exit 1; }
echo "test slapd running on $url (StartTLS) and $tls_url, CA $tls/ca.pem, seeded with $(grep -c '^dn:' "$dir/directory.ldif") entries (fixtures $fingerprint)"
