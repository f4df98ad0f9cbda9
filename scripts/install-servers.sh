#!/bin/sh
# Installs the servers the split topology and its tests run on, from the machine's packages:
# PostgreSQL, MariaDB, NATS (JetStream), Redis, RabbitMQ, Prometheus (its promtool checks the
# alert and SLO rules in deploy/prometheus), Chromium with a font, which the console's browser
# tests drive through playwright-core, and nftables and libfaketime for the fault-injection suite.
# Agora starts them itself, on loopback and free ports, with data under the project; nothing here
# starts a system service.
set -eu
missing=""
command -v nats-server >/dev/null 2>&1 || missing="$missing nats-server"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing="$missing rabbitmq-server"
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$missing postgresql"
[ -x /usr/sbin/mariadbd ] || missing="$missing mariadb-server"
command -v promtool >/dev/null 2>&1 || missing="$missing prometheus"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium fonts-liberation"
# The split fault run: nftables cuts a service off from the broker inside a network namespace, and
# libfaketime steps one service's clock.
command -v nft >/dev/null 2>&1 || missing="$missing nftables"
ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1 || missing="$missing libfaketime"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "agora: missing servers:$missing — install them with: sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "agora: installing$missing (apt)" >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
# The packages' own system services are not used (Agora runs its own instances): stop them.
for service in postgresql mariadb redis-server nats-server rabbitmq-server prometheus prometheus-node-exporter; do
  (command -v systemctl >/dev/null 2>&1 && systemctl stop "$service" >/dev/null 2>&1) || true
  (command -v service >/dev/null 2>&1 && service "$service" stop >/dev/null 2>&1) || true
done
