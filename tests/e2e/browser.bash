# Shared helpers for the browser checks (html_browser.sh, hunt_browser.sh): find Chromium (exit
# 77, skipped, without it), run it headless on a page with networking disabled, read what it
# logged and what it drew. Sourced after lib.bash. On load it checks that the harness sees
# JavaScript errors at all, and sets blank_size to the size of a blank page's screenshot.

chromium=${KT_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ] || [ ! -x "$chromium" ]; then
    echo "SKIP: chromium not installed (apt-get install chromium)" >&2
    exit 77
fi

# browse NAME URL MODE...: runs Chromium on URL; stdout in NAME.out, its log in NAME.log.
browse() {
    local name=$1 url=$2
    shift 2
    local profile
    profile=$(mktemp -d "$WORK/profile.XXXXXX")
    local rc=0
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --disable-extensions --host-resolver-rules="MAP * ~NOTFOUND" \
        --user-data-dir="$profile" --enable-logging=stderr --v=0 \
        --window-size=1280,2400 "$@" "$url" >"$WORK/$name.out" 2>"$WORK/$name.log" || rc=$?
    rm -rf "$profile"
    [ "$rc" = 0 ] ||
        fail "$name: chromium exited with $rc ($(grep -v dbus "$WORK/$name.log" | tail -3))"
}

# Console messages (uncaught exceptions, console.*, CSP refusals) are logged as ":CONSOLE".
console_messages() { grep -F ':CONSOLE' "$WORK/$1.log" || true; }

# png_dims FILE: "WIDTH HEIGHT" from the IHDR chunk, after checking the signature.
png_dims() {
    local sig
    sig=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
    [ "$sig" = "89504e470d0a1a0a" ] || fail "$1 is not a PNG"
    od -An -tu4 --endian=big -j16 -N8 "$1" | awk '{print $1, $2}'
}

# Harness self-test: a page with a script error must be caught, or the checks below mean nothing.
cat >"$WORK/broken.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title></head>
<body><p>x</p><script>definitelyNotDefined();</script></body></html>
HTML
browse broken "file://$WORK/broken.html" --dump-dom
console_messages broken | grep -q 'definitelyNotDefined' ||
    fail "the browser log does not show JavaScript errors; cannot check the report"

# A blank page gives the size of an empty screenshot to compare with.
cat >"$WORK/blank.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>
HTML
browse blank_shot "file://$WORK/blank.html" --screenshot="$WORK/blank.png"
# shellcheck disable=SC2034 # used by the scripts that source this file
blank_size=$(stat -c %s "$WORK/blank.png")

# inert_dom NAME: nothing in NAME_dom.out became a script, a loading element or a handler
# (text is serialised with &lt;, so "<name ...>" is always markup); at least MIN tags.
inert_dom() {
    local name=$1 min=$2 dom="$WORK/$1_dom.out"
    [ -s "$dom" ] || fail "$name: empty DOM dump"
    ! grep -qi '<script' "$dom" || fail "$name: a <script> element exists"
    ! grep -qiE '<(img|iframe|object|embed|link|a) ' "$dom" ||
        fail "$name: a loading element exists"
    grep -oE '<[a-zA-Z][^>]*>' "$dom" >"$WORK/${name}_tags.txt" || true
    ! grep -qiE '[[:space:]](src|href|action|on[a-z]+)=' "$WORK/${name}_tags.txt" ||
        fail "$name: a src, href, action or on* attribute exists"
    [ "$(wc -l <"$WORK/${name}_tags.txt")" -gt "$min" ] || fail "$name: too few elements"
}

# real_png NAME: NAME.png is 1280x2400 and much larger than a blank page's screenshot.
real_png() {
    local name=$1 dims size
    dims=$(png_dims "$WORK/$name.png")
    [ "$dims" = "1280 2400" ] || fail "$name: screenshot is $dims, want 1280 2400"
    size=$(stat -c %s "$WORK/$name.png")
    [ "$size" -gt $((blank_size * 5)) ] && [ "$size" -gt 20000 ] ||
        fail "$name: screenshot of $size bytes looks blank (a blank page gives $blank_size)"
}
