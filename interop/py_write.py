"""Step 3, Python side: Python machinable (the real reference) writes a store TypeScript then reads.

Usage: python3 py_write.py --folder <project folder with train.py> --work <scratch dir>  > py-summary.json

Inside `with Project(folder)`: launches train lr=0.5, the same inside Scope({'dataset': 'v2'}),
a child derived from the first, a record (name=eval) that uses the first, with a label, and one record per identity vector of
fixtures/vectors.json. Then, in
a subprocess with cwd = folder and no Project connected, launches train lr=0.7. Prints the uuids
(and what the reference itself answers to a few lookups, as a baseline) as JSON on stdout;
progress goes to stderr. Finally reindexes the store into <work>/py-reindex-of-py-store.sqlite
(no project root row), the reference's rows for compare_index.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402

machinable = ic.require_machinable()

from machinable import Index, Interface, Project, Scope, get  # noqa: E402

NO_PROJECT = """
import json, sys
sys.path[:0] = {path!r}
from machinable import get, Project
assert not Project.is_connected()
run = get("train", {{"lr": 0.7}}).launch()
print(json.dumps({{"uuid": run.uuid, "run": run.execution.uuid, "directory": run.local_directory()}}))
"""


def header_of(interface):
    with open(os.path.join(interface.local_directory(), "id.json"), encoding="utf-8") as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--folder", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    folder = os.path.abspath(args.folder)
    os.makedirs(args.work, exist_ok=True)
    out: dict = {"machinable": machinable.__version__}

    with contextlib.redirect_stdout(sys.stderr):
        with Project(folder) as project:
            base = get("train", {"lr": 0.5}).launch()
            out["base"] = base.uuid
            out["base_run"] = base.execution.uuid
            with Scope({"dataset": "v2"}):
                scoped = get("train", {"lr": 0.5}).launch()
            out["scoped"] = scoped.uuid
            child = base.derive("train", {"lr": 0.2, "epochs": 3}).launch()
            out["child"] = child.uuid
            out["child_run"] = child.execution.uuid
            user = get("train", {"name": "eval"}, uses=base).launch()
            user.set_label("evaluation")
            out["user"] = user.uuid
            # identity vectors (floats in Python's repr profile, -0.0, coercion, non-ASCII)
            with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "vectors.json"), encoding="utf-8") as f:
                vectors = json.load(f)
            out["vectors"] = [get("train", v).launch().uuid for v in vectors]
            out["vector_versions"] = vectors
            out["root"] = project.ensure_project_root().record_id
            out["child_parent"] = header_of(child)["parent"]

        # one record made without a connected Project (cwd = the folder)
        path = [p for p in os.environ["MACHINABLE_PY_PATH"].split(os.pathsep) if p]
        proc = subprocess.run(
            [sys.executable, "-c", NO_PROJECT.format(path=path)],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            sys.exit(f"launching without a Project failed:\n{proc.stderr}")
        loose = json.loads(proc.stdout.strip().splitlines()[-1])
        out["noproject"] = loose["uuid"]
        out["noproject_run"] = loose["run"]

        # the reference's own answers on its own store (baselines for the TS checks)
        with Project(folder):
            out["py_get_lr05"] = get("train", {"lr": 0.5}).uuid
            out["py_get_lr07"] = get("train", {"lr": 0.7}).uuid
            out["py_get_child_top_level"] = get("train", {"lr": 0.2, "epochs": 3}).uuid

        target = os.path.join(args.work, "py-reindex-of-py-store.sqlite")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(target + suffix):
                os.remove(target + suffix)
        with Project(folder), Index({"database": target}):
            Index.get().reindex()

        # the reference's relation answers, on its live index and on its own reindex
        def relations():
            b, ch, u = (Interface.find_by_id(out[k]) for k in ("base", "child", "user"))
            one = lambda x: getattr(x, "uuid", None)  # noqa: E731
            many = lambda xs: [i.uuid for i in xs]  # noqa: E731
            return {
                "base.uses": many(b.uses),
                "base.used_by": many(b.used_by),
                "base.derived": many(b.derived),
                "base.ancestor": one(b.ancestor),
                "child.derived": many(ch.derived),
                "child.ancestor": one(ch.ancestor),
                "user.uses": many(u.uses),
                "user.used_by": many(u.used_by),
            }

        with Project(folder):
            out["py_live_relations"] = relations()
        with Project(folder), Index({"database": target}):
            out["py_reindexed_relations"] = relations()

    print(json.dumps(out))


if __name__ == "__main__":
    main()
