#!/usr/bin/env bash
# Creates the Saksflyt user on the running cluster and lets it read $all (reading and subscribing to
# $all is for $admins only by default; user streams are open to every authenticated user, so the
# user needs no other grant). Run once, after `docker compose up -d` has the cluster up:
#   KURRENTDB_ADMIN_PASSWORD=... SAKSFLYT_PASSWORD=... ./setup-user.sh
# Talks HTTPS to node 1 (published on localhost:2111), trusting only the example CA.
set -euo pipefail
cd "$(dirname "$0")"
: "${KURRENTDB_ADMIN_PASSWORD:?set KURRENTDB_ADMIN_PASSWORD (the one the cluster was started with)}"
: "${SAKSFLYT_PASSWORD:?set SAKSFLYT_PASSWORD (the password for the new user saksflyt)}"
NODE=${NODE:-https://localhost:2111}
uuid() { cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen; }
api() { curl --fail-with-body --silent --show-error --location --cacert certs/ca/ca.crt -u "admin:$KURRENTDB_ADMIN_PASSWORD" -H 'Content-Type: application/json' "$@"; }

# 1. the user (HTTP users API)
api -X POST "$NODE/users/" \
  -d "{\"loginName\":\"saksflyt\",\"fullName\":\"Saksflyt api\",\"groups\":[],\"password\":\"$SAKSFLYT_PASSWORD\"}"
echo "user saksflyt created"

# 2. read access to $all: the ACL in the metadata of $all (kept in $$$all). Admins keep theirs.
api -X POST "$NODE/streams/%24all/metadata" -H "ES-EventId: $(uuid)" \
  -d '{"$acl":{"$r":["$admins","saksflyt"]}}'
echo 'saksflyt may read $all'
