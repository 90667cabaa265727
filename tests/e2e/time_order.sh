#!/usr/bin/env bash
# Results do not depend on the order of the PATH arguments (issue 8 §3): inputs are merged by
# event time, so every permutation of the sample sources gives byte-identical alerts and
# reports, the same as the whole directory; and events reach the engine in time order.
source "$(dirname "$0")/lib.bash"
: "${KT_GEO:?KT_GEO must point at the built sample geolocation databases}"
GEO=(--geoip "$KT_GEO/samples-city.mmdb" --asn "$KT_GEO/samples-asn.mmdb")
S=$KT_SAMPLES
dirs=("$S/nginx" "$S/github" "$S/cloudtrail" "$S/kong" "$S/apache" "$S/envoy" "$S/traefik")

run whole scan -q "${GEO[@]}" --alerts "$WORK/whole.jsonl" "$S"
[ "$(wc -l <"$WORK/whole.jsonl")" -gt 10 ] || fail "the samples gave too few alerts"

perms=(
    "0 1 2 3 4 5 6"
    "6 5 4 3 2 1 0"
    "1 0 2 3 4 5 6"
    "2 6 0 4 1 5 3"
    "3 1 5 0 6 2 4"
)
first=""
for p in "${perms[@]}"; do
    args=()
    for i in $p; do args+=("${dirs[$i]}"); done
    tag=${p// /}
    run "p$tag" scan -q "${GEO[@]}" --alerts "$WORK/a$tag.jsonl" --report "$WORK/r$tag.json" \
        --report "$WORK/r$tag.md" "${args[@]}"
    cmp -s "$WORK/whole.jsonl" "$WORK/a$tag.jsonl" || fail "paths in order $p: alerts differ from the whole directory's"
    if [ -z "$first" ]; then
        first=$tag
    else
        cmp -s "$WORK/r$first.json" "$WORK/r$tag.json" || fail "paths in order $p: the JSON report differs"
        cmp -s "$WORK/r$first.md" "$WORK/r$tag.md" || fail "paths in order $p: the Markdown report differs"
    fi
done

# Files named one by one, in reverse, against their directory.
mapfile -t nginx < <(find "$S/nginx" -type f | sort -r)
run nfiles events "${nginx[@]}"
run ndir events "$S/nginx"
cmp -s "$WORK/nfiles.out" "$WORK/ndir.out" || fail "nginx files named in reverse are read in another order"

# Events of several sources come out in time order (within each file the log's own order is
# kept; the sample files are each in order).
run all events "${dirs[@]}"
jq -r .time "$WORK/all.out" | sed -E 's/:([0-9]{2})Z$/:\1.000Z/' >"$WORK/times"
sort -c "$WORK/times" 2>/dev/null || fail "events of several sources are not in time order: $(sort -c "$WORK/times" 2>&1 | head -1)"
run rev events "${dirs[6]}" "${dirs[0]}" "${dirs[2]}" "${dirs[1]}" "${dirs[3]}" "${dirs[5]}" "${dirs[4]}"
cmp -s "$WORK/all.out" "$WORK/rev.out" || fail "events differ with the paths reordered"
echo "ok"
