#!/usr/bin/env bash
# usage: scripts/new_change.sh KIND/NAME "note" [deps...]  -- appends a line to sqitch.plan
set -euo pipefail
name=$1; note=$2; shift 2
deps=""
[ $# -gt 0 ] && deps=" [$*]"
ts=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "${name}${deps} ${ts} Prometheus Developers <dev@prometheus.invalid> # ${note}" >> sqitch.plan
