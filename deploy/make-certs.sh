#!/usr/bin/env bash
# Makes a local certificate authority and one certificate per name with openssl, for running the
# suite on mutual TLS outside Kubernetes (where cert-manager issues them: deploy/k8s).
#
#   deploy/make-certs.sh var/tls leads enterprise petition gaoxinctl
#   # -> var/tls/ca.crt (+ ca.key), var/tls/leads.crt + leads.key, ...
#
# Every certificate is good for serving and for calling (serverAuth and clientAuth: a service
# calls the others with its own certificate), for 127.0.0.1, localhost and <name>, with the URI
# SAN spiffe://gaoxin.local/<name> a tokens file can map to a principal ("uri:..." lines).
# Idempotent: the CA is kept; a certificate is re-issued only when missing or expiring within 7
# days (run it again to rotate; the servers pick up new files without a restart). Keys are 0600.
set -euo pipefail
DIR="${1:?usage: make-certs.sh DIR NAME...}"
shift
DAYS="${GAOXIN_CERT_DAYS:-90}"
mkdir -p "$DIR"
umask 077

if [ ! -s "$DIR/ca.key" ] || [ ! -s "$DIR/ca.crt" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
    -keyout "$DIR/ca.key" -out "$DIR/ca.crt" -days 3650 -subj "/O=gaoxin/CN=gaoxin local CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
  chmod 644 "$DIR/ca.crt"
fi

for name in "$@"; do
  case "$name" in
    *[!a-z0-9-]*|"") echo "make-certs: bad name '$name' (lower-case letters, digits, '-')" >&2; exit 2 ;;
  esac
  crt="$DIR/$name.crt"
  if [ -s "$crt" ] && openssl x509 -in "$crt" -noout -checkend $((7 * 86400)) >/dev/null 2>&1 &&
     openssl verify -CAfile "$DIR/ca.crt" "$crt" >/dev/null 2>&1; then
    continue
  fi
  ext="$(mktemp)"
  printf '%s\n' \
    "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth,clientAuth" \
    "subjectAltName=DNS:localhost,DNS:$name,IP:127.0.0.1,URI:spiffe://gaoxin.local/$name" >"$ext"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
    -keyout "$DIR/$name.key.new" -out "$DIR/$name.csr" -subj "/O=gaoxin/CN=$name" 2>/dev/null
  openssl x509 -req -in "$DIR/$name.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" \
    -CAcreateserial -out "$DIR/$name.crt.new" -days "$DAYS" -sha256 -extfile "$ext" 2>/dev/null
  rm -f "$ext" "$DIR/$name.csr"
  # Key first, then certificate, each by rename: a watching server never pairs a new
  # certificate with the old key for longer than one reload.
  mv "$DIR/$name.key.new" "$DIR/$name.key"
  chmod 644 "$DIR/$name.crt.new"
  mv "$DIR/$name.crt.new" "$crt"
  echo "make-certs: issued $crt"
done
