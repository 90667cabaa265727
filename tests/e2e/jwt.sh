#!/usr/bin/env bash
# JWT keys and checks end to end: issuer-only JWTs (Zoom-style API JWTs) are one key that
# `fingerprint --jwt-iss` names; a token replayed from a distant network raises jwt_replay;
# --jwt-secret verifies HMAC signatures (a bad one is critical), refuses a secrets file others
# can read, and its secrets never appear in any output, even when logs carry them.
source "$(dirname "$0")/lib.bash"

ISS=zK3pQ9vL2xR8tW5mN7bY1c
SECRET=Zoom-Api-Secret-7f3a9c1e55d2b8
cat >"$WORK/secrets" <<EOS
# Zoom API key and secret
$ISS  $SECRET
EOS
chmod 600 "$WORK/secrets"

# A day of a Zoom-style client minting a token per hour from 192.0.2.0/24, one forged token
# (signed with a wrong secret) and one replay of a real token from far away.
python3 - "$ISS" "$SECRET" >"$WORK/api.log" <<'EOP'
import base64, hashlib, hmac, json, sys
iss, secret = sys.argv[1], sys.argv[2].encode()
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def jwt(claims, key=secret, alg="HS256"):
    h = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    p = b64(json.dumps(claims).encode())
    dig = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    return h + "." + p + "." + b64(hmac.new(key, (h + "." + p).encode(), dig).digest())
t0 = 1793577600  # 2026-11-02T00:00:00Z
def line(t, ip, ua, tok, status=200, path="/v2/users/me/meetings"):
    print(json.dumps({"time": "2026-11-02T%02d:%02d:%02dZ" % (t // 3600, t // 60 % 60, t % 60),
                      "client_ip": ip, "method": "GET", "path": path, "status": status,
                      "user_agent": ua, "authorization": "Bearer " + tok}))
for h in range(0, 12):
    alg = ["HS256", "HS384", "HS512"][h % 3]
    tok = jwt({"iss": iss, "exp": t0 + h * 3600 + 3600}, alg=alg)
    for k in range(3):
        line(h * 3600 + k * 600, "192.0.2.%d" % (10 + k), "zoom-sync/3.1 okhttp/4.12.0", tok)
    if h == 5:
        # The 05:00 token, copied, used from another continent 20 minutes later.
        line(h * 3600 + 1200, "203.0.113.50", "zoom-sync/3.1 okhttp/4.12.0", tok)
# Forged: right issuer, wrong secret; the secret itself pasted into a user agent and a path.
line(13 * 3600, "198.51.100.7", "curl/8.5.0 " + secret.decode() + " x" + secret.decode()[4:],
     jwt({"iss": iss, "exp": t0 + 14 * 3600}, key=b"guessed-secret"), status=401,
     path="/v2/users/" + secret.decode())
EOP

# One key for all the issuer's tokens, and fingerprint --jwt-iss names it.
run ev events "$WORK/api.log"
expect_rc ev 0
keys=$(grep -o '"key":"kt1-[0-9a-f]*"' "$WORK/ev.out" | sort -u | wc -l)
[ "$keys" = 1 ] || fail "issuer-only JWTs fall into $keys keys, want 1"
tokens=$(grep -o '"token":"kt1-[0-9a-f]*"' "$WORK/ev.out" | sort -u | wc -l)
[ "$tokens" = 13 ] || fail "$tokens distinct token ids, want 13"
run fp fingerprint --jwt-iss "$ISS"
expect_rc fp 0
id=$(awk '{print $1}' "$WORK/fp.out")
grep -q "\"key\":\"$id\"" "$WORK/ev.out" || fail "fingerprint --jwt-iss gives $id, events another"
run fpj fingerprint --json --jwt-iss "$ISS"
expect_grep fpj.out "\"key\":\"$id\""
run fpbad fingerprint --jwt-iss ""
expect_rc fpbad 2

# Signatures: events shows each token's check.
run evs events --jwt-secret "$WORK/secrets" "$WORK/api.log"
expect_rc evs 0
ok=$(grep -c '"signature_ok"' "$WORK/evs.out" || true)
bad=$(grep -c '"signature_bad"' "$WORK/evs.out" || true)
[ "$ok" = 37 ] || fail "$ok events with signature_ok, want 37 (HS256, HS384 and HS512 tokens)"
[ "$bad" = 1 ] || fail "$bad events with signature_bad, want 1"

# scan: the replay and the forgery.
run scan scan --jwt-secret "$WORK/secrets" -r "$WORK/r.json" -r "$WORK/r.md" -r "$WORK/r.html" \
    "$WORK/api.log"
expect_rc scan 1
grep '"detector":"jwt_replay"' "$WORK/scan.out" >"$WORK/replay" || fail "no jwt_replay alert"
[ "$(wc -l <"$WORK/replay")" = 1 ] || fail "more than one jwt_replay alert"
grep -q '192.0.2.0/24' "$WORK/replay" || fail "replay reason lacks the first network"
grep -q '203.0.113.0/24' "$WORK/replay" || fail "replay reason lacks the second network"
grep '"detector":"jwt_validity"' "$WORK/scan.out" | grep -q '"value":"bad_signature:' ||
    fail "no bad_signature finding"
grep '"value":"bad_signature:' "$WORK/scan.out" | grep -q '"severity":"critical"' ||
    fail "bad signature is not critical"

# Without --jwt-secret, no signature finding (and no replay among tokens used in one /16).
run scan0 scan "$WORK/api.log"
if grep -q 'bad_signature' "$WORK/scan0.out"; then fail "bad_signature without --jwt-secret"; fi

# The secret never leaves the process, wherever it was.
for f in "$WORK"/scan.out "$WORK"/scan.err "$WORK"/evs.out "$WORK"/evs.err "$WORK"/r.json \
    "$WORK"/r.md "$WORK"/r.html; do
    if grep -q -e "$SECRET" -e "${SECRET:0:12}" -e "${SECRET:6:12}" "$f"; then
        fail "secret in $(basename "$f")"
    fi
done

# A secret too short to keep out of the output is refused.
printf 'short-iss tiny-secret\n' >"$WORK/short"
chmod 600 "$WORK/short"
run short scan --jwt-secret "$WORK/short" "$WORK/api.log"
expect_rc short 2
expect_grep short.err "shorter than 12 bytes"

# A secrets file others may read, or a directory, is refused, naming the file.
chmod 644 "$WORK/secrets"
run open scan --jwt-secret "$WORK/secrets" "$WORK/api.log"
expect_rc open 2
expect_grep open.err "$WORK/secrets"
expect_grep open.err "too open"
chmod 640 "$WORK/secrets"
run group events --jwt-secret "$WORK/secrets" "$WORK/api.log"
expect_rc group 2
run dir scan --jwt-secret "$WORK" "$WORK/api.log"
expect_rc dir 2
expect_grep dir.err "not a regular file"
if grep -q "$SECRET" "$WORK"/open.* "$WORK"/group.* "$WORK"/dir.*; then fail "secret in errors"; fi
echo ok
