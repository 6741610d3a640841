"""Row-by-row comparison of two index files (the reference's SQLite schema, user_version 11).

Usage: python3 compare_index.py A.sqlite B.sqlite [--names TS Python] [--title T]
                                [--ignore col,col] [--report out.json]

Compares the schema (columns, indexes, user_version), the set of record rows, every column of
every row (JSON columns parsed, and again as stored text), and the relations table
((relation, record_id, related_id, priority); created_at_ns is reported, not compared). Both files
are opened read-only. Used for "TS reindex of a store == Python reindex of the same store".
"""

from __future__ import annotations

import argparse
import os
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402

ic.require_env()


def compare(a: str, b: str, names=("A", "B"), ignore=(), checks: ic.Checks | None = None, prefix="") -> ic.Checks:
    na, nb = names
    c = checks or ic.Checks(f"{na} index {a} vs {nb} index {b}")
    c.expect(f"{prefix}user_version of the {na} index", ic.user_version(a), ic.REFERENCE_SCHEMA_VERSION, "user_version")
    c.expect(f"{prefix}user_version of the {nb} index", ic.user_version(b), ic.REFERENCE_SCHEMA_VERSION, "user_version")
    c.check(f"{prefix}schema (columns, types, defaults, indexes)", ic.diff_schema(ic.schema_of(a), ic.schema_of(b), na, nb))
    ra, rb = ic.read_rows(a), ic.read_rows(b)
    only = [(na, u, ra[u]) for u in sorted(set(ra) - set(rb))] + [(nb, u, rb[u]) for u in sorted(set(rb) - set(ra))]
    # The project root row has no directory: an indexer adds it when a project is opened
    # (Python: Project.ensure_project_root(), lazily; TS: when the records are opened), never
    # from a reindex walk. A root row in one file only is reported, not failed.
    roots = [f"only in {n}: {u} (Project root row)" for n, u, r in only if r["kind"] == "Project"]
    c.check(
        f"{prefix}same record rows",
        [f"only in {n}: {u} ({r['kind']} {r['module']})" for n, u, r in only if r["kind"] != "Project"],
    )
    if roots:
        c.info(f"{prefix}project root row", roots, note="added on opening a project, not by a reindex walk")
    columns = [col for col in ic.INDEX_COLUMNS if col not in ignore]
    for uuid in sorted(set(ra) & set(rb)):
        c.check(
            f"{prefix}row {ra[uuid]['kind']} {ra[uuid]['module']} {uuid}: every column"
            + (f" but {', '.join(ignore)}" if ignore else ""),
            ic.diff_rows(ra[uuid], rb[uuid], na, nb, columns),
        )
    la, lb = ic.read_relations(a), ic.read_relations(b)
    sa, sb = ic.relation_set(la), ic.relation_set(lb)
    c.check(
        f"{prefix}relations (relation, record_id, related_id, priority)",
        [f"only in {na}: {e}" for e in sorted(sa - sb)] + [f"only in {nb}: {e}" for e in sorted(sb - sa)],
    )
    ta = {(r["relation"], r["record_id"], r["related_id"]): r["created_at_ns"] for r in la}
    tb = {(r["relation"], r["record_id"], r["related_id"]): r["created_at_ns"] for r in lb}
    c.info(
        f"{prefix}relations created_at_ns",
        [f"{k}: {na} {ta[k]} | {nb} {tb[k]}" for k in sorted(set(ta) & set(tb)) if ta[k] != tb[k]],
        note="each indexer stamps the time it ingested the edge line; edge lines carry no time",
    )
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--names", nargs=2, default=["A", "B"])
    ap.add_argument("--title")
    ap.add_argument("--ignore", default="")
    ap.add_argument("--report")
    args = ap.parse_args()
    c = ic.Checks(args.title or f"{args.names[0]} index vs {args.names[1]} index")
    compare(args.a, args.b, tuple(args.names), tuple(x for x in args.ignore.split(",") if x), c)
    sys.exit(0 if c.write(args.report) else 1)


if __name__ == "__main__":
    main()
