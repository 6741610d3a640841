"""Mixed use of one live store and index, Python side (no reindex in between).

  python3 py_mixed.py write --folder F            -> launches train lr=0.9 inside Project(F), prints {"uuid", "run"}
  python3 py_mixed.py read  --folder F --record R [--report out.json]
      -> R is the JSON the TS side printed (ts_mixed.ts write): Python's get('train', {'lr': 0.9})
         must find that record in the index TS wrote, cached, its result written by TypeScript,
         and launch() must not recompute.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402

machinable = ic.require_machinable()

from machinable import Interface, Project, get  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["write", "read"])
    ap.add_argument("--folder", required=True)
    ap.add_argument("--record")
    ap.add_argument("--report")
    args = ap.parse_args()
    folder = os.path.abspath(args.folder)
    index = os.path.join(folder, ".machinable.sqlite")

    if args.mode == "write":
        with contextlib.redirect_stdout(sys.stderr), Project(folder):
            run = get("train", {"lr": 0.9}).launch()
            out = {"uuid": run.uuid, "run": run.execution.uuid}
        print(json.dumps(out))
        return

    with open(args.record, encoding="utf-8") as f:
        record = json.load(f)
    c = ic.Checks(f"Python reads, from the live index {index}, the record TypeScript just wrote")
    c.expect("user_version of the live index", ic.user_version(index), ic.REFERENCE_SCHEMA_VERSION, "user_version")
    with Project(folder):
        found = get("train", {"lr": 0.9})
        c.expect("get('train', {'lr': 0.9}) finds the TS record in the live index (no reindex)", found.uuid, record["uuid"], "uuid")
        if found.uuid == record["uuid"]:
            c.expect("  ...cached()", found.cached(), True, "cached()")
            c.expect("  ...load_file('result.json')['by']", (found.load_file("result.json") or {}).get("by"), "typescript", "by")
            c.expect("  ...execution", getattr(found.execution, "uuid", None), record["run"], "uuid")
            c.expect("  ...execution.is_finished()", found.execution.is_finished(), True, "is_finished()")
            before = len(found.executions)
            found.launch()
            c.expect("  ...launch() does not recompute", len(Interface.find_by_id(record["uuid"]).executions), before, "number of run records")
    sys.exit(0 if c.write(args.report) else 1)


if __name__ == "__main__":
    main()
