# Shared by the Linux and macOS service installers: options, defaults, checks and template rendering (POSIX sh).
# Sourced, not run. Sets NODE, AGENT_DIR, AGENT_MAIN, CONFIG, DEST_DIR, PRINT_ONLY, START (UNINSTALLING=1: no checks).

usage() {
  cat <<USAGE
Usage: $0 [--node PATH] [--agent DIR] [--config FILE] [--dest-dir DIR] [--no-start] [--print]
  --node PATH     Node.js 20+ binary, or the Cordon app's own executable (it runs the agent with ELECTRON_RUN_AS_NODE=1)
                  default: node on PATH
  --agent DIR     folder holding dist/agent/cli/main.js, policies/ and node_modules/ (default: this checkout, or the installed app's resources/app.asar.unpacked)
  --config FILE   agent config (default: $DEFAULT_CONFIG); created as {} (built-in defaults) when missing
  --dest-dir DIR  where the service definition is written (default: $DEFAULT_DEST_DIR)
  --no-start      write and register the definition but do not start it
  --print         print the rendered service definition and change nothing
USAGE
}

fail() {
  echo "$0: $1" >&2
  exit "${2:-1}"
}

parse_service_args() {
  NODE=$(command -v node || true)
  AGENT_DIR=$(cd "$(dirname "$0")/../.." && pwd)
  [ -f "$AGENT_DIR/dist/agent/cli/main.js" ] || { [ -d "$AGENT_DIR/app.asar.unpacked" ] && AGENT_DIR="$AGENT_DIR/app.asar.unpacked"; }
  CONFIG=$DEFAULT_CONFIG
  DEST_DIR=$DEFAULT_DEST_DIR
  PRINT_ONLY=0
  START=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --node) NODE=$2; shift 2 ;;
      --agent) AGENT_DIR=$2; shift 2 ;;
      --config) CONFIG=$2; shift 2 ;;
      --dest-dir) DEST_DIR=$2; shift 2 ;;
      --no-start) START=0; shift ;;
      --print) PRINT_ONLY=1; shift ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; fail "unknown option $1" 64 ;;
    esac
  done
  AGENT_MAIN="$AGENT_DIR/dist/agent/cli/main.js"
  # The uninstallers go on without an agent: the service must still go when the agent's files are already gone.
  [ "${UNINSTALLING:-0}" = 1 ] && return 0
  [ -n "$NODE" ] && [ -x "$NODE" ] || fail "no Node.js binary: pass --node PATH (node 20+ or the Cordon app executable)" 64
  [ -f "$AGENT_MAIN" ] || fail "no agent at $AGENT_MAIN: run npm run build, or pass --agent DIR" 64
  case "$CONFIG" in /*) ;; *) fail "--config must be an absolute path" 64 ;; esac
}

# Escapes a value for the replacement side of sed (and, with "xml", for XML text).
escape_value() {
  if [ "${2:-}" = xml ]; then
    printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/[\\|&]/\\&/g'
  else
    printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'
  fi
}

# render_template FILE [xml]: the template with @NODE@, @AGENT_MAIN@ and @CONFIG@ filled in.
render_template() {
  sed -e "s|@NODE@|$(escape_value "$NODE" "${2:-}")|g" \
      -e "s|@AGENT_MAIN@|$(escape_value "$AGENT_MAIN" "${2:-}")|g" \
      -e "s|@CONFIG@|$(escape_value "$CONFIG" "${2:-}")|g" "$1"
}

# An absent config means built-in defaults; the file makes that explicit and gives admins the place to edit.
ensure_config() {
  [ -f "$CONFIG" ] && return 0
  mkdir -p "$(dirname "$CONFIG")/policies"
  printf '{}\n' > "$CONFIG"
  chmod 0644 "$CONFIG"
}

# Claude Code's managed settings would otherwise keep naming a start hook that no agent answers, stopping Claude Code
# for everyone. Run after the service has stopped, or the agent would put the hook back.
remove_start_hooks() {
  if [ -n "$NODE" ] && [ -x "$NODE" ] && [ -f "$AGENT_MAIN" ]; then
    if [ -f "$CONFIG" ]; then
      ELECTRON_RUN_AS_NODE=1 "$NODE" "$AGENT_MAIN" --config "$CONFIG" start-hook remove || echo "$0: some start hook files were kept; see above" >&2
    else
      ELECTRON_RUN_AS_NODE=1 "$NODE" "$AGENT_MAIN" start-hook remove || echo "$0: some start hook files were kept; see above" >&2
    fi
  else
    echo "$0: the agent is not at $AGENT_MAIN: its start hooks (if any) are left; remove them with 'cordon start-hook remove'" >&2
  fi
}
