#!/bin/sh
# Runs a command with Node 24 first on PATH and the dependencies installed, so `npm start` and
# `npm test` work on a machine that only has an older Node: the project brings its own runtime
# (from the npm registry, into .runtime/) the first time, then reuses it.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NODE_VERSION=24.21.0
LOCAL="$ROOT/.runtime/node-$NODE_VERSION"

major() { v=$("$1" --version 2>/dev/null || echo v0); v=${v#v}; echo "${v%%.*}"; }

if [ "$(major node)" -ge 24 ]; then
  :
elif [ -x "$LOCAL/bin/node" ]; then
  PATH="$LOCAL/bin:$PATH"
else
  echo "agora: Node >= 24 not found; installing node@$NODE_VERSION into .runtime/ (once)" >&2
  npm install --global --prefix "$LOCAL" --no-fund --no-audit --loglevel=error "node@$NODE_VERSION" >&2
  PATH="$LOCAL/bin:$PATH"
fi
export PATH

# npm ci again whenever the lockfile changed since the last install.
if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  echo "agora: installing dependencies (npm ci)" >&2
  (cd "$ROOT" && npm ci --no-fund --no-audit --loglevel=error >&2)
fi

# Node's on-disk compile cache, on before Node reads the first file: with every TypeScript file
# found there already stripped, Node never loads its type stripper (about 17 MB of WebAssembly per
# process) and skips parsing and compiling a few hundred modules again.
NODE_COMPILE_CACHE=${NODE_COMPILE_CACHE:-$ROOT/.runtime/compile-cache}
export NODE_COMPILE_CACHE

exec "$@"
