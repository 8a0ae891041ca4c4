#!/bin/sh
# The image's entrypoint: `api` (default), `worker` or `migrate`. Sizes Node's heap from the
# container's memory limit (cgroup v2 or v1) so the process collects garbage before the kernel's
# OOM killer steps in: HEAP_PERCENT (default 75) of the limit, unless NODE_OPTIONS already names
# --max-old-space-size. Without a limit Node keeps its own default.
set -eu

limit_bytes() {
  for file in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
    if [ -r "$file" ]; then
      value=$(cat "$file")
      # "max" (v2) or a huge number (v1) mean no limit.
      case "$value" in max | '' | *[!0-9]*) return 1 ;; esac
      [ "$value" -lt 1099511627776 ] && echo "$value" && return 0
      return 1
    fi
  done
  return 1
}

case "${NODE_OPTIONS:-}" in
  *--max-old-space-size*) ;;
  *)
    if bytes=$(limit_bytes); then
      heap_mb=$((bytes / 1048576 * ${HEAP_PERCENT:-75} / 100))
      export NODE_OPTIONS="${NODE_OPTIONS:-} --max-old-space-size=${heap_mb}"
    fi
    ;;
esac

role="${1:-api}"
[ "$#" -gt 0 ] && shift
case "$role" in
  api) exec node dist/apps/api/src/main.js "$@" ;;
  worker)
    export WORKER_HEARTBEAT_FILE="${WORKER_HEARTBEAT_FILE:-/tmp/worker-heartbeat}"
    exec node dist/apps/worker/src/main.js "$@"
    ;;
  migrate) exec node dist/libs/schema/src/migrate.js "$@" ;;
  *) exec "$role" "$@" ;;
esac
