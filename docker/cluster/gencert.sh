#!/usr/bin/env bash
# Generates the certificates of the example cluster into ./certs (git-ignored): a CA and one node
# certificate per node, valid for the node's name in the compose network, its fixed address, and
# localhost / 127.0.0.1 (Saksflyt on the host connects through the published ports 2111-2113).
# Uses Kurrent's es-gencert-cli image, as KurrentDB's own docker-compose.yml does.
# Re-running replaces nothing that exists: delete ./certs first to start over.
set -euo pipefail
cd "$(dirname "$0")"
IMAGE=eventstore/es-gencert-cli:1.0.2
mkdir -p certs
gencert() { docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/certs:/certs" -w /certs "$IMAGE" "$@"; }

[ -f certs/ca/ca.crt ] || gencert create-ca -out /certs/ca
for n in 1 2 3; do
  [ -f "certs/node$n/node.crt" ] && continue
  gencert create-node -ca-certificate /certs/ca/ca.crt -ca-key /certs/ca/ca.key -out "/certs/node$n" \
    -ip-addresses "127.0.0.1,172.30.240.1$n" -dns-names "localhost,node$n"
done
# The nodes run as an unprivileged user in their containers and must read their key; the CA key is
# needed only to make more certificates: keep it to yourself.
chmod 755 certs certs/ca certs/node1 certs/node2 certs/node3
chmod 644 certs/ca/ca.crt certs/node*/node.crt certs/node*/node.key
chmod 600 certs/ca/ca.key
echo "certificates in $PWD/certs (CA: certs/ca/ca.crt)"
