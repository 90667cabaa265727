#!/usr/bin/env bash
# Adversarial secrets test (tests/e2e/plant_secrets.py): fresh tokens of every family planted in
# every field, name, argument, setting and list, every command run, every output searched for
# any 12-character piece of any token. The seed is printed so a failure can be replayed.
source "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "python3 not installed: skipped"; exit 77; }
python3 "$(dirname "$0")/plant_secrets.py" "$KT_BIN" "$WORK" ${KT_SECRETS_SEED:-}
