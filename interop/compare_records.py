"""Writer conformance: the record directories TS wrote (step 2) against those Python wrote (step 3)
for the same requests, file by file.

Usage: python3 compare_records.py --ts-folder F --ts-summary S --py-folder F --py-summary S [--report R]

Pairs the records of the two runs (base, scoped, child, user, every identity vector, and the run
records of base and child) and compares, with the per-record values (uuid, parent uuid,
created_at_ns, created_by, seed, nickname, the dispatch time) masked:
  - id.json and model.json: the parsed values, the key order, and the exact text (Python writes
    json.dumps(data, ensure_ascii=False): insertion order, ', ' and ': ');
  - which files each record directory holds (reported, not failed: host.json, the reference's
    related/<relation> mirror files and computed_resources.*.json are not part of the contract);
  - the text form of the status markers and updated_at.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402

ic.require_env()

MASK = "<masked>"
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}[+-]\d{2}:\d{2}\n?$")


def directories(folder):
    out = {}
    for d in ic.find_record_directories(os.path.join(folder, "storage")):
        with open(os.path.join(d, "id.json"), encoding="utf-8") as f:
            out[json.load(f)["uuid"]] = d
    return out


class Num:
    """A JSON number with its literal text (json.loads would make 0 == -0.0 and 1e16 == 10000000000000000)."""

    def __init__(self, text: str, is_float: bool):
        self.text, self.is_float, self.value = text, is_float, float(text)

    def __eq__(self, other):
        return isinstance(other, Num) and self.text == other.text

    def __repr__(self):
        return self.text


def parse(text: str):
    return json.loads(text, parse_int=lambda t: Num(t, False), parse_float=lambda t: Num(t, True))


def masked(text: str, kind: str, which: str, records: set[str]):
    data = parse(text)
    if which == "id.json":
        data["uuid"] = MASK
        if data.get("parent") in records:  # a record of this store; the project root id stays
            data["parent"] = MASK + " (a record)"
        if kind == "Execution":
            data["predicate_key"] = MASK
    else:
        data["uuid"] = MASK
        data["created_at_ns"] = MASK
        data["created_by"] = MASK
        if kind == "Execution":
            data["seed"] = MASK
            data["nickname"] = MASK
            if isinstance(data.get("predicate"), dict) and "started_at" in data["predicate"]:
                data["predicate"]["started_at"] = MASK
    return data


def tree_diff(a, b, path="$"):
    """(path, TS literal, Python literal, class) for every difference; class 'int-vs-float' when both
    are the same number and only the literal's type differs (a JS number that is integral is an int)."""
    if isinstance(a, Num) and isinstance(b, Num):
        if a.text == b.text:
            return []
        if a.value == b.value and a.is_float != b.is_float and str(a.value) != "-0.0" and str(b.value) != "-0.0":
            return [(path, a.text, b.text, "int-vs-float")]
        if a.value == b.value and (str(a.value) == "-0.0") != (str(b.value) == "-0.0"):
            return [(path, a.text, b.text, "sign of zero lost")]
        return [(path, a.text, b.text, "different number")]
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                out.append((f"{path}.{k}", repr(a.get(k, "<absent>")), repr(b.get(k, "<absent>")), "key"))
            else:
                out.extend(tree_diff(a[k], b[k], f"{path}.{k}"))
        if not out and list(a) != list(b):
            out.append((path, str(list(a)), str(list(b)), "key order"))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [(path, repr(a), repr(b), "length")]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in tree_diff(x, y, f"{path}[{i}]")]
    return [] if a == b and type(a) is type(b) else [(path, repr(a), repr(b), "value")]


def files_of(d):
    """The files of one record directory, nested records (run records) left out."""
    out = set()
    for root, dirs, files in os.walk(d):
        dirs[:] = [x for x in dirs if not os.path.isfile(os.path.join(root, x, ".machinable"))]
        for f in files:
            out.add(os.path.relpath(os.path.join(root, f), d))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ts-folder", required=True)
    ap.add_argument("--ts-summary", required=True)
    ap.add_argument("--py-folder", required=True)
    ap.add_argument("--py-summary", required=True)
    ap.add_argument("--report")
    args = ap.parse_args()
    with open(args.ts_summary, encoding="utf-8") as f:
        ts = json.load(f)
    with open(args.py_summary, encoding="utf-8") as f:
        py = json.load(f)
    ts_dirs, py_dirs = directories(args.ts_folder), directories(args.py_folder)
    c = ic.Checks("Writer conformance: TS-written record directories vs Python-written ones for the same requests")

    pairs = [(k, ts[k], py[k]) for k in ("base", "scoped", "child", "user", "base_run", "child_run") if k in ts and k in py]
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "vectors.json"), encoding="utf-8") as f:
        versions = json.load(f)
    for i, (a, b) in enumerate(zip(ts.get("vectors", []), py.get("vectors", []))):
        pairs.append((f"vector {i} {json.dumps(versions[i], ensure_ascii=False)}", a, b))

    for name, tu, pu in pairs:
        td, pd = ts_dirs.get(tu), py_dirs.get(pu)
        if td is None or pd is None:
            c.check(f"{name}: both records exist", [f"TS {tu}: {td}", f"Python {pu}: {pd}"])
            continue
        kind = json.loads(ic.read_text(os.path.join(pd, "id.json")))["kind"]
        for which in ("id.json", "model.json"):
            t_text, p_text = ic.read_text(os.path.join(td, which)), ic.read_text(os.path.join(pd, which))
            diffs = tree_diff(masked(t_text, kind, which, set(ts_dirs)), masked(p_text, kind, which, set(py_dirs)))
            hard = [f"{p}: TS {x} | Python {y} ({cls})" for p, x, y, cls in diffs if cls != "int-vs-float"]
            soft = [f"{p}: TS {x} | Python {y}" for p, x, y, cls in diffs if cls == "int-vs-float"]
            for label, text in (("TS", t_text), ("Python", p_text)):
                if json.dumps(json.loads(text), ensure_ascii=False) != text:
                    hard.append(f"{label} {which} is not in json.dumps(..., ensure_ascii=False) form: {text!r}")
            c.check(f"{name}: {which} (TS {tu} vs Python {pu}; per-record values masked)", hard)
            if soft:
                c.info(
                    f"{name}: {which}: numbers written as int by TS, as float by Python",
                    soft,
                    note="the request's typing, not the writer: a JS number that is integral is written as an int in the "
                    "version layers; the Python request held a float. The resolved config and identity agree",
                )
        tf, pf = files_of(td), files_of(pd)
        c.info(
            f"{name}: files in the record directory",
            [f"only TS: {sorted(tf - pf)}"] * bool(tf - pf) + [f"only Python: {sorted(pf - tf)}"] * bool(pf - tf),
        )
        marker_diffs = []
        for marker in ("updated_at", "started_at", "finished_at", "heartbeat_at", "dispatched_at", "cached"):
            t_text, p_text = ic.read_text(os.path.join(td, marker)), ic.read_text(os.path.join(pd, marker))
            if (t_text is None) != (p_text is None):
                marker_diffs.append(f"{marker}: TS {'present' if t_text is not None else 'absent'} | Python {'present' if p_text is not None else 'absent'}")
            elif t_text is not None and marker != "cached":
                if bool(ISO.match(t_text)) != bool(ISO.match(p_text)) or t_text.endswith("\n") != p_text.endswith("\n"):
                    marker_diffs.append(f"{marker} text form: TS {t_text!r} | Python {p_text!r}")
            elif t_text is not None and t_text != p_text:
                marker_diffs.append(f"cached: TS {t_text!r} | Python {p_text!r}")
        c.check(f"{name}: markers present and in the same text form", marker_diffs)
    sys.exit(0 if c.write(args.report) else 1)


if __name__ == "__main__":
    main()
