"""Prints one summary of the JSON reports the interop scripts wrote; exit 1 when any check failed.

Usage: python3 report.py <report.json> ...
"""

from __future__ import annotations

import json
import os
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402

ic.require_env()


def main():
    failed_total = 0
    for path in sys.argv[1:]:
        try:
            with open(path, encoding="utf-8") as f:
                report = json.load(f)
        except FileNotFoundError:
            print(f"\n== {path}: MISSING (the step did not get that far)")
            failed_total += 1
            continue
        results = report["results"]
        failed = [r for r in results if not r["pass"]]
        infos = [r for r in results if r.get("info")]
        failed_total += len(failed)
        print(f"\n== {report['title']}")
        print(f"   {len(results) - len(failed) - len(infos)} passed, {len(failed)} failed, {len(infos)} informational")
        for r in failed:
            print(f"   FAIL {r['check']}" + (f"  ({r['note']})" if r.get("note") else ""))
            for d in r["differences"]:
                print(f"        - {d}")
        for r in infos:
            if r["differences"] or "BUG" in (r.get("note") or "") or "quirk" in (r.get("note") or ""):
                print(f"   INFO {r['check']}" + (f"  ({r['note']})" if r.get("note") else ""))
                for d in r["differences"][:6]:
                    print(f"        - {d}")
    print(f"\n{'ALL CHECKS PASSED' if not failed_total else f'{failed_total} FAILED CHECK(S)'}")
    sys.exit(1 if failed_total else 0)


if __name__ == "__main__":
    main()
