"""What a Lambda cold start loads: the first LaunchRequest in a fresh interpreter answers
without OpenSSL, dateutil, Flask, pydub or boto3, and leaves the garbage collector on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.alexa import Device

CHILD = """
import gc, json, sys
import skill.lambda_function as lf
out = lf.handler(json.loads(sys.stdin.read()), None)
print(json.dumps({"ssml": out["response"]["outputSpeech"]["ssml"], "gc": gc.isenabled(),
                  "modules": sorted(sys.modules)}))
"""


def test_first_launch_in_a_fresh_interpreter(tmp_path: Path) -> None:
    env = {"HIPCOACH_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": ".",
           "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(Device().launch()),
                          capture_output=True, text=True, env=env, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    out = json.loads(done.stdout)
    assert out["ssml"].startswith("<speak>") and "Hip Coach" in out["ssml"]
    assert out["gc"] is True  # switched off for the import only
    loaded = set(out["modules"]) | {m.split(".")[0] for m in out["modules"]}
    # dateutil.tz comes with the SDK; its parser (the SDK's timestamp path) must not
    assert not loaded & {"_hashlib", "hashlib", "dateutil.parser", "flask", "pydub", "boto3",
                         "requests", "yaml", "shutil"}
