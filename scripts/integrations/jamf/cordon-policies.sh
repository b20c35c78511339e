#!/bin/bash
# Jamf Pro extension attribute "Cordon - Policies" (Data type: String, Input type: Script).
# The policies in force as id@version, comma-separated (anthropic-ban@3,other-ai-tools-report@1).
# Finds the cordon command: $CORDON_BIN, then PATH, then the agent bundled in the app (run by its own executable as Node).
cordon() {
  if [ -n "${CORDON_BIN:-}" ]; then "$CORDON_BIN" "$@"; return; fi
  if command -v cordon >/dev/null 2>&1; then command cordon "$@"; return; fi
  app=/Applications/Cordon.app/Contents
  if [ -x "$app/MacOS/Cordon" ]; then
    ELECTRON_RUN_AS_NODE=1 "$app/MacOS/Cordon" "$app/Resources/app.asar.unpacked/dist/agent/cli/main.js" "$@"
    return
  fi
  return 127
}

cordon fleet-facts --format jamf --field policies 2>/dev/null || echo "<result></result>"
