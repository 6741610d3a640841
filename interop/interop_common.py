"""Shared helpers of the interop scripts: the environment guard, check records, index rows.

Nothing here imports machinable at module load; `require_machinable()` does, after putting
MACHINABLE_PY_PATH on sys.path.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from typing import Any

REFERENCE_SCHEMA_VERSION = 11

INDEX_COLUMNS = [
    "record_id",
    "kind",
    "module",
    "identity_key",
    "predicate_json",
    "predicate_key",
    "parent_id",
    "config_default_json",
    "config_version_json",
    "config_update_json",
    "config_resolved_json",
    "inherits_json",
    "context_json",
    "storage_uri",
    "local_uri",
    "storage_id",
    "hidden",
    "bytes_missing",
    "created_at_ns",
    "updated_at_ns",
    "created_by",
    "label",
    "extra_json",
    "private_json",
]
JSON_COLUMNS = {c for c in INDEX_COLUMNS if c.endswith("_json")}


ENV_MESSAGE = (
    "MACHINABLE_PY_PATH is not set. It must list (os.pathsep-separated) the directories that "
    "make `import machinable` work: the reference's src/ and the sources of its dependencies "
    "(arrow, omegaconf with its generated grammar, dill, flatten-dict, cloudpickle, and a "
    "directory of *.dist-info stubs). See interop/README.md, 'Setting up the Python side'."
)


def require_env():
    """Refuses to run without MACHINABLE_PY_PATH (for the scripts that do not import machinable)."""
    if not os.environ.get("MACHINABLE_PY_PATH"):
        sys.exit(ENV_MESSAGE)


def require_machinable():
    """Put MACHINABLE_PY_PATH on sys.path and import the reference, or exit with a clear message."""
    path = os.environ.get("MACHINABLE_PY_PATH")
    if not path:
        sys.exit(ENV_MESSAGE)
    for entry in reversed([p for p in path.split(os.pathsep) if p]):
        if not os.path.isdir(entry):
            sys.exit(f"MACHINABLE_PY_PATH names {entry!r}, which is not a directory")
        if entry not in sys.path:
            sys.path.insert(0, entry)
    try:
        import machinable  # noqa: F401
    except Exception as ex:  # noqa: BLE001
        sys.exit(
            f"MACHINABLE_PY_PATH is set, but `import machinable` fails: {type(ex).__name__}: {ex}. "
            "See interop/README.md, 'Setting up the Python side'."
        )
    import machinable

    if not os.path.abspath(machinable.__file__).startswith(
        tuple(os.path.abspath(p) for p in path.split(os.pathsep) if p)
    ):
        sys.exit(
            f"`import machinable` resolved to {machinable.__file__}, which is not on "
            "MACHINABLE_PY_PATH; refusing to test an installed copy by accident"
        )
    return machinable


class Checks:
    """Collects named checks; each passes or fails with the exact differences."""

    def __init__(self, title: str):
        self.title = title
        self.results: list[dict[str, Any]] = []

    def check(self, name: str, differences: list[str] | None = None, note: str | None = None):
        differences = list(differences or [])
        result = {"check": name, "pass": not differences, "differences": differences}
        if note:
            result["note"] = note
        self.results.append(result)
        mark = "PASS" if not differences else "FAIL"
        print(f"[{mark}] {name}" + (f"  ({note})" if note else ""), flush=True)
        for d in differences:
            print(f"       - {d}", flush=True)
        return not differences

    def info(self, name: str, details: list[str] | None = None, note: str | None = None):
        """An observation that is reported but does not fail the run (e.g. a reference quirk)."""
        result = {"check": name, "pass": True, "info": True, "differences": list(details or [])}
        if note:
            result["note"] = note
        self.results.append(result)
        print(f"[INFO] {name}" + (f"  ({note})" if note else ""), flush=True)
        for d in details or []:
            print(f"       - {d}", flush=True)

    def expect(self, name: str, actual: Any, expected: Any, what: str = "value", note: str | None = None):
        diffs = [] if actual == expected else [f"{what}: expected {expected!r}, got {actual!r}"]
        return self.check(name, diffs, note)

    def guard(self, name: str, fn, *args, **kwargs):
        """Runs fn; an exception is a failed check (with the exception text) instead of a crash."""
        try:
            return fn(*args, **kwargs)
        except Exception as ex:  # noqa: BLE001
            import traceback

            tb = traceback.format_exc().strip().splitlines()
            self.check(name, [f"raised {type(ex).__name__}: {ex}", *tb[-4:]])
            return None

    def write(self, path: str | None):
        failed = [r for r in self.results if not r["pass"]]
        infos = [r for r in self.results if r.get("info")]
        print(
            f"\n{self.title}: {len(self.results) - len(failed) - len(infos)} passed, {len(failed)} failed,"
            f" {len(infos)} informational",
            flush=True,
        )
        if path:
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"title": self.title, "results": self.results}, f, indent=2)
        return not failed


def open_readonly(path: str) -> sqlite3.Connection:
    """Opens an index file without writing to it (no schema migration, no WAL checkpoint)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


def user_version(path: str) -> int:
    db = open_readonly(path)
    try:
        return db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def read_rows(path: str) -> dict[str, dict[str, Any]]:
    db = open_readonly(path)
    try:
        rows = db.execute("SELECT * FROM 'index'").fetchall()
        return {r["record_id"]: dict(r) for r in rows}
    finally:
        db.close()


def read_relations(path: str) -> list[dict[str, Any]]:
    db = open_readonly(path)
    try:
        return [dict(r) for r in db.execute("SELECT * FROM relations ORDER BY id").fetchall()]
    finally:
        db.close()


def schema_of(path: str) -> dict[str, Any]:
    """Columns (name, type, notnull, default, pk) and indexes of both tables."""
    db = open_readonly(path)
    try:
        out: dict[str, Any] = {}
        for table in ("index", "relations"):
            cols = db.execute(f"PRAGMA table_info('{table}')").fetchall()
            out[f"{table}.columns"] = [
                (c["name"], c["type"].upper(), c["notnull"], c["dflt_value"], c["pk"]) for c in cols
            ]
            idx = []
            for i in db.execute(f"PRAGMA index_list('{table}')").fetchall():
                cols_i = [c["name"] for c in db.execute(f"PRAGMA index_info('{i['name']}')").fetchall()]
                idx.append((i["name"] if not i["name"].startswith("sqlite_autoindex") else "<auto>", i["unique"], tuple(cols_i)))
            out[f"{table}.indexes"] = sorted(idx)
        return out
    finally:
        db.close()


def diff_schema(ours: dict[str, Any], theirs: dict[str, Any], ours_name: str, theirs_name: str) -> list[str]:
    diffs = []
    for key in sorted(set(ours) | set(theirs)):
        a, b = ours.get(key), theirs.get(key)
        if a == b:
            continue
        if isinstance(a, list) and isinstance(b, list):
            for item in a:
                if item not in b:
                    diffs.append(f"{key}: {item!r} only in {ours_name}")
            for item in b:
                if item not in a:
                    diffs.append(f"{key}: {item!r} only in {theirs_name}")
            if not diffs and a != b:
                diffs.append(f"{key}: same entries, different order")
        else:
            diffs.append(f"{key}: {ours_name} {a!r}, {theirs_name} {b!r}")
    return diffs


def diff_rows(
    ours: dict[str, Any],
    theirs: dict[str, Any],
    ours_name: str,
    theirs_name: str,
    columns: list[str] | None = None,
    raw_json: bool = True,
) -> list[str]:
    """Column differences of one record's rows. JSON columns are compared parsed and, with
    raw_json, also as stored text (byte equality of the serialization)."""
    diffs = []
    for col in columns or INDEX_COLUMNS:
        a, b = ours.get(col), theirs.get(col)
        if col in JSON_COLUMNS:
            pa = json.loads(a) if isinstance(a, str) else a
            pb = json.loads(b) if isinstance(b, str) else b
            if pa != pb:
                diffs.append(f"{col}: {ours_name} {a} | {theirs_name} {b}")
            elif raw_json and a != b:
                diffs.append(f"{col} (same JSON, different text): {ours_name} {a!r} | {theirs_name} {b!r}")
        elif a != b:
            extra = ""
            if isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool):
                extra = f" (difference {a - b:+d})"
            diffs.append(f"{col}: {ours_name} {a!r} | {theirs_name} {b!r}{extra}")
    return diffs


def relation_set(relations: list[dict[str, Any]]) -> set[tuple]:
    return {(r["relation"], r["record_id"], r["related_id"], r["priority"]) for r in relations}


def find_record_directories(root: str) -> list[str]:
    out = []
    for dirpath, _dirs, files in os.walk(root, followlinks=False):
        if ".machinable" in files:
            out.append(dirpath)
    return sorted(out)


def read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None
