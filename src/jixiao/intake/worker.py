"""A batch worker process: ``python -m jixiao.intake.worker LIMITS_JSON [SCHEME]``.

It reads one file path per line on stdin and answers each with one line of contract JSON on
stdout, until stdin closes. Being its own program (not a fork of the caller), it carries none of
the caller's threads or state, and works whatever the caller's ``__main__`` is (a notebook, a web
server, a script without a main guard).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from jixiao.intake.limits import Limits
from jixiao.intake.pipeline import extract_file

READY = "jixiao-worker-ready"


def limits_to_json(limits: Limits) -> str:
    return json.dumps(dataclasses.asdict(limits))


def main(argv: list[str]) -> int:
    limits = Limits(**json.loads(argv[0]))
    scheme = argv[1] if len(argv) > 1 and argv[1] else None
    out = sys.stdout
    out.write(READY + "\n")  # imports done: the caller's per-file clock may start
    out.flush()
    for line in sys.stdin:
        path = line.rstrip("\n")
        if not path:
            continue
        ev = extract_file(Path(path), scheme=scheme, limits=limits)
        out.write(ev.to_json(indent=None) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
