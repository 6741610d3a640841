#!/usr/bin/env bash
# Store interop between Python machinable (the real reference) and this TypeScript port, both ways.
# Usage: MACHINABLE_PY_PATH=... interop/run.sh [WORKDIR]     (see interop/README.md)
# WORKDIR (default ${TMPDIR:-/tmp}/machinable-interop) is wiped and rebuilt; the two project
# folders are WORKDIR/ts/study and WORKDIR/py/study (same name on purpose: the project root id
# derives from the folder name). Exit status 1 when any check failed.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cli="$repo/packages/cli/bin/run.js"
py="${PYTHON:-python3}"

if [[ -z "${MACHINABLE_PY_PATH:-}" ]]; then
  echo "interop/run.sh: MACHINABLE_PY_PATH is not set." >&2
  echo "It must list (':'-separated) the directories that make 'import machinable' work: the reference's" >&2
  echo "src/ and the sources of arrow, omegaconf (with its generated grammar), dill, flatten-dict," >&2
  echo "cloudpickle, plus a directory of *.dist-info stubs. See interop/README.md, 'Setting up the Python side'." >&2
  exit 2
fi
command -v node >/dev/null || { echo "interop/run.sh: node is not on PATH" >&2; exit 2; }
command -v "$py" >/dev/null || { echo "interop/run.sh: $py is not on PATH (set PYTHON)" >&2; exit 2; }
if [[ ! -f "$repo/packages/core/dist/index.js" || ! -f "$repo/packages/cli/oclif.manifest.json" ]]; then
  echo "interop/run.sh: the packages are not built; run 'npm run build' in $repo first" >&2
  exit 2
fi
PYTHONPATH= "$py" -c "import sys; sys.path[:0] = [p for p in '''$MACHINABLE_PY_PATH'''.split(':') if p]; import machinable, omegaconf, arrow, dill, cloudpickle, flatten_dict; print('python machinable', machinable.__version__, 'from', machinable.__file__, '| omegaconf', omegaconf.__version__, '| arrow', arrow.__version__, '| dill', dill.__version__, '| cloudpickle', cloudpickle.__version__, '| flatten-dict', flatten_dict.__version__)" \
  || { echo "interop/run.sh: MACHINABLE_PY_PATH is set but 'import machinable' fails (see above and interop/README.md)" >&2; exit 2; }

work="${1:-${TMPDIR:-/tmp}/machinable-interop}"
case "$(cd "$(dirname "$work")" 2>/dev/null && pwd)/" in
  "$repo"/*) echo "interop/run.sh: WORKDIR must be outside the repository ($repo)" >&2; exit 2 ;;
esac
rm -rf "$work"
mkdir -p "$work/reports" "$work/step2" "$work/step3"
reports="$work/reports"

# a project folder: the two modules, and node_modules/@machinable/* pointing at this repository
setup_project() {
  mkdir -p "$1/node_modules/@machinable"
  for p in core storage-fs cli; do ln -s "$repo/packages/$p" "$1/node_modules/@machinable/$p"; done
  cp "$here/fixtures/train.ts" "$here/fixtures/train.py" "$1/"
}
ts() { node --import @machinable/core/register "$@"; }
copy_index() { "$py" -c "import sqlite3,sys; s=sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True); d=sqlite3.connect(sys.argv[2]); s.backup(d); d.close(); s.close()" "$1" "$2"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# ------------------------------------------------------------------------------------------------
# Step 2: TypeScript writes, Python reads
s2="$work/ts/study"
setup_project "$s2"
step "step 2: TS CLI: machinable get train lr=0.5 --launch (in $s2)"
(cd "$s2" && node "$cli" get train lr=0.5 --launch) || echo "!! the TS CLI launch failed"
step "step 2: TS script: scope, derive, use, label"
(cd "$s2" && ts "$here/ts_write.ts" . >"$work/ts-summary.json") && cat "$work/ts-summary.json" || echo "!! ts_write.ts failed"
step "step 2: TS reindex of its own store into a scratch index (for the row comparison)"
(cd "$s2" && MACHINABLE_INDEX="$work/step2/ts-reindex.sqlite" node "$cli" reindex --json >"$work/step2/ts-reindex.json") || echo "!! TS reindex failed"
step "step 2: Python reads the TS store: (a) reindex/ingest rows, (b) from_directory, (c) get, (d) the TS index file"
(cd "$s2" && "$py" "$here/py_read.py" --folder . --summary "$work/ts-summary.json" --work "$work/step2" --report "$reports/step2-python-reads-ts.json")
step "step 2: TS reindex vs Python reindex of the TS store, row by row"
"$py" "$here/compare_index.py" "$work/step2/ts-reindex.sqlite" "$work/step2/py-reindex-only.sqlite" \
  --names "TS reindex" "Python reindex" --title "Step 2: TS reindex vs Python reindex of the TS-made store" \
  --report "$reports/step2-reindex-rows.json"
step "step 2 (e): Python launches into the live TS store and index; TS reads it without a reindex"
(cd "$s2" && "$py" "$here/py_mixed.py" write --folder . >"$work/step2/py-mixed.json") && cat "$work/step2/py-mixed.json" || echo "!! py_mixed.py write failed"
(cd "$s2" && ts "$here/ts_mixed.ts" read . "$work/step2/py-mixed.json" "$reports/step2-ts-reads-python-write-live.json")

# ------------------------------------------------------------------------------------------------
# Step 3: Python writes, TypeScript reads
s3="$work/py/study"
setup_project "$s3"
step "step 3: Python launches inside Project($s3), and once without a Project"
"$py" "$here/py_write.py" --folder "$s3" --work "$work/step3" >"$work/py-summary.json" && cat "$work/py-summary.json" || echo "!! py_write.py failed"
copy_index "$s3/.machinable.sqlite" "$work/step3/py-live-index.sqlite"
step "step 3: TS reads the Python store through the Python-made index (no reindex)"
(cd "$s3" && ts "$here/ts_read.ts" . "$work/py-summary.json" direct "$reports/step3-ts-reads-python-direct.json")
step "step 3: machinable reindex (TS CLI) of the Python store"
(cd "$s3" && node "$cli" reindex --json) || echo "!! TS reindex failed"
copy_index "$s3/.machinable.sqlite" "$work/step3/ts-reindex-of-py-store.sqlite"
"$py" "$here/compare_index.py" "$work/step3/ts-reindex-of-py-store.sqlite" "$work/step3/py-reindex-of-py-store.sqlite" \
  --names "TS reindex" "Python reindex" --title "Step 3: TS reindex vs Python reindex of the Python-made store" \
  --report "$reports/step3-reindex-rows.json"
step "step 3: machinable ls (TS CLI)"
(cd "$s3" && node "$cli" ls) || echo "!! machinable ls failed"
step "step 3: TS reads the Python store after its reindex"
(cd "$s3" && ts "$here/ts_read.ts" . "$work/py-summary.json" reindexed "$reports/step3-ts-reads-python-reindexed.json")
step "step 3 (e): TS launches into the live Python store; Python reads it without a reindex"
(cd "$s3" && ts "$here/ts_mixed.ts" write . >"$work/step3/ts-mixed.json") && cat "$work/step3/ts-mixed.json" || echo "!! ts_mixed.ts write failed"
"$py" "$here/py_mixed.py" read --folder "$s3" --record "$work/step3/ts-mixed.json" --report "$reports/step3-python-reads-ts-write-live.json"

step "writer conformance: the TS-written and the Python-written record directories, file by file"
"$py" "$here/compare_records.py" --ts-folder "$s2" --ts-summary "$work/ts-summary.json" \
  --py-folder "$s3" --py-summary "$work/py-summary.json" --report "$reports/writers-records.json"

step "summary (reports in $reports)"
"$py" "$here/report.py" \
  "$reports/step2-python-reads-ts.json" "$reports/step2-reindex-rows.json" "$reports/step2-ts-reads-python-write-live.json" \
  "$reports/step3-ts-reads-python-direct.json" "$reports/step3-reindex-rows.json" \
  "$reports/step3-ts-reads-python-reindexed.json" "$reports/step3-python-reads-ts-write-live.json" \
  "$reports/writers-records.json"
