"""A benchmark step run in a fresh Python process of its own (its own settings and database),
which prints its result as JSON on its last line."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_child(script: str, *arguments) -> dict:
    """Run `script --child <arguments>` from the project folder; its last line, parsed. Exits
    with the child's error output if it fails."""
    output = subprocess.run(
        [sys.executable, script, "--child", *(str(argument) for argument in arguments)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if output.returncode:
        sys.exit(output.stderr)
    return json.loads(output.stdout.strip().splitlines()[-1])
