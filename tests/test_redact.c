/*
 * The redactor (src/redact.c): every family with every neighbour, %XX escapes, remembered and
 * record secrets, Basic passwords, the high-entropy rule and what it must leave alone, names
 * with control bytes, and every output capacity.
 *
 * The check that matters is the one the adversarial e2e test makes too: no 12 consecutive
 * characters of a secret (beyond its public prefix) survive.
 */
#include "test_cred_helpers.h"

#include "redact.h"

#define WINDOW 12

/* True if out holds any WINDOW-byte piece of tok that lies past its first `visible` bytes. */
static bool holds_piece(const char *out, const char *tok, size_t visible)
{
    size_t n = strlen(tok);
    for (size_t w = 0; w + WINDOW <= n; w++) {
        if (w + WINDOW <= visible) {
            continue;
        }
        if (tc_contains(out, strlen(out), tok + w, WINDOW)) {
            return true;
        }
    }
    return false;
}

/* Length of the public prefix a hint may show ("ghp_", "sk-ant-", "eyJ"...). */
static size_t visible_prefix(const char *tok)
{
    static const char *const prefixes[] = { "github_pat_", "sk-ant-", "sk-proj-", "sk_live_",
                                            "rk_test_", "glpat-", "xoxb-", "ghp_", "ghs_",
                                            "npm_", "AIza", "SG.", "SK", "eyJ" };
    for (size_t i = 0; i < KT_ARRAY_LEN(prefixes); i++) {
        if (strncmp(tok, prefixes[i], strlen(prefixes[i])) == 0) {
            return strlen(prefixes[i]);
        }
    }
    return 0;
}

static const char *const neighbours[] = {
    "%s", "x%s", "_%s", "9%s", "%s_old", "%s_bak", "%sZ", "%s.x", "prefix%ssuffix",
    "/cb;jsessionid=%s", "/x%%3Fapi_key=%s", "Evil/%s (compatible)", "\"%s\"", "%s\n",
    "caf\xc3\xa9%s\xc3\xa9", "a=%s&b=1", "%%22%s%%22",
};

static void test_every_family_every_neighbour(void **state)
{
    (void)state;
    static struct tc_sample s[32];
    size_t ns = tc_make_samples(s);
    for (size_t i = 0; i < ns; i++) {
        for (size_t k = 0; k < KT_ARRAY_LEN(neighbours); k++) {
            char text[1024], red[2048];
            tc_fill(text, sizeof(text), neighbours[k], s[i].tok);
            kt_redact_text(kt_str_cstr(text), red, sizeof(red));
            if (s[i].fam == KT_FAM_AWS) {
                assert_non_null(strstr(red, s[i].tok)); /* key ids are public */
                continue;
            }
            if (holds_piece(red, s[i].tok, visible_prefix(s[i].tok))) {
                fail_msg("%s token in context %zu survives: %s", kt_family_name(s[i].fam), k,
                         red);
            }
        }
    }
}

/* The plain token becomes its family hint, and the text around it stays. */
static void test_hint_and_surroundings(void **state)
{
    (void)state;
    char tok[64], text[256], red[256];
    tc_checksum_token("ghs_", 42, tok);
    snprintf(text, sizeof(text), "GET /hooks/x%s_old?y", tok);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    char want[256];
    snprintf(want, sizeof(want), "GET /hooks/xghs_\xe2\x80\xa6%s_old?y", tok + 36);
    assert_string_equal(red, want);
}

/* A %XX escape inside a token does not hide it, and the escape is hidden with it. */
static void test_percent_escape_inside(void **state)
{
    (void)state;
    char tok[64], text[256], red[256];
    tc_checksum_token("npm_", 7, tok);
    snprintf(text, sizeof(text), "/pkg/%.*s%%%02X%s/x", 10, tok, (unsigned char)tok[10],
             tok + 11);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_false(holds_piece(red, tok, 4));
    assert_null(strstr(red, tok + 11)); /* not even the part after the escape */
    assert_non_null(strstr(red, "/pkg/npm_"));
    assert_non_null(strstr(red, "/x"));
}

/* Undoing an escape must not break a secret: '%' before a secret that starts with two hex
 * digits decodes them into one byte (found by fuzz_redact). */
static void test_percent_before_secret(void **state)
{
    (void)state;
    kt_redact_forget_all();
    static const char secret[] = "97QxZ3kLm8TnWv2R";
    kt_redact_note_secret(kt_str_cstr(secret));
    char text[128], red[256];
    snprintf(text, sizeof(text), "GET /h%%%%%%%s%%%% HTTP/1.1", secret);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_null(strstr(red, secret));
    assert_false(holds_piece(red, secret, 0));
    assert_non_null(strstr(red, "GET /h%"));
    kt_redact_forget_all();
}

/* A token cut at its family's longest length can end inside a known secret that follows it:
 * neither the token's hint nor the text after it may show the secret's pieces. */
static void test_secret_after_capped_token(void **state)
{
    (void)state;
    kt_redact_forget_all();
    static const char secret[] = "btqllukmWjdxzrjX";
    kt_redact_note_secret(kt_str_cstr(secret));
    char text[256], red[256];
    /* "SG." + 22 + "." + 39: the 43-byte last part takes the secret's first four bytes. */
    snprintf(text, sizeof(text), "key=IVSG.QdswL8v0jNugeGpHaPQjjC.LJjxWCfFeWjkLuagiLohF3DdNs5F0"
                                 "ShgESahjMu%syiiMH0 end", secret);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_null(strstr(red, secret));
    assert_false(holds_piece(red, secret, 0));
    assert_non_null(strstr(red, "key=IV"));
    assert_non_null(strstr(red, " end"));
    kt_redact_forget_all();
}

/* A secret spelled with bytes no token has (a password given by hand) is found whole and by
 * its long runs, in text and in names. */
static void test_secret_with_odd_bytes(void **state)
{
    (void)state;
    kt_redact_forget_all();
    static const char secret[] = "p@ss:w0rd!LongSecretValue12345";
    kt_redact_note_secret(kt_str_cstr(secret));
    char red[256];
    kt_redact_text(kt_str_cstr("ua p@ss:w0rd!LongSecretValue12345 end"), red, sizeof(red));
    assert_null(strstr(red, secret));
    assert_null(strstr(red, "LongSecretVa"));
    assert_non_null(strstr(red, " end"));
    kt_redact_name(kt_str_cstr("/logs/p@ss:w0rd!LongSecretValue12345/x.log"), red, sizeof(red));
    assert_null(strstr(red, "p@ss:w0rd!"));
    assert_non_null(strstr(red, "/logs/"));
    /* A piece of it on its own. */
    kt_redact_text(kt_str_cstr("id=LongSecretValue12345;"), red, sizeof(red));
    assert_null(strstr(red, "LongSecretVa"));
    kt_redact_forget_all();
    kt_redact_text(kt_str_cstr("ua p@ss:w0rd!LongSecretValue12345 end"), red, sizeof(red));
    assert_non_null(strstr(red, "p@ss:w0rd!")); /* forgotten: text again */
}

/* A secret without any recognisable shape is found once the pipeline has noted it. */
static void test_remembered_secret(void **state)
{
    (void)state;
    kt_redact_forget_all();
    const char *tok = "plainwordsecretvalue"; /* wordy: no rule but memory finds it */
    char text[256], red[256];
    snprintf(text, sizeof(text), "ua Evil/%s_old and x%s", tok, tok);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_string_equal(red, text); /* not known yet: left alone */
    struct kt_cand c = { KT_CAND_AUTHORIZATION, kt_str_cstr("Bearer plainwordsecretvalue") };
    kt_redact_note_cand(&c);
    assert_int_equal(kt_redact_known(), 1);
    kt_redact_note_cand(&c); /* the same secret twice is one entry */
    assert_int_equal(kt_redact_known(), 1);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_false(holds_piece(red, tok, 0));
    assert_non_null(strstr(red, "_old"));
    /* A cut copy (the first 12 bytes and more, but not all) is hidden too. */
    snprintf(text, sizeof(text), "agent %.15s", tok);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_null(strstr(red, "plainwordsecr"));
    kt_redact_forget_all();
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_string_equal(red, text);
}

/* Basic: the decoded password is a secret of this record (short) or of the run (long). */
static void test_basic_password(void **state)
{
    (void)state;
    kt_redact_forget_all();
    char blob[128], auth[160], red[256];
    tc_b64("alice:hunter2x", 14, false, true, blob);
    snprintf(auth, sizeof(auth), "Basic %s", blob);
    struct kt_cand c = { KT_CAND_AUTHORIZATION, kt_str_cstr(auth) };
    kt_redact_note_cand(&c);
    kt_redact_text(kt_str_cstr("agent hunter2x/1.0"), red, sizeof(red));
    assert_null(strstr(red, "hunter2x"));
    kt_redact_text(kt_str_cstr(blob), red, sizeof(red));
    assert_null(strstr(red, blob));
    kt_redact_record_end(); /* a short secret lives as long as its record */
    kt_redact_text(kt_str_cstr("agent hunter2x/1.0"), red, sizeof(red));
    assert_string_equal(red, "agent hunter2x/1.0");
    /* User names, AWS key ids and hashed tokens are public: nothing is remembered. */
    struct kt_cand pub[] = {
        { KT_CAND_BASIC_USER, kt_str_cstr("alice-the-operator") },
        { KT_CAND_AWS_KEY_ID, kt_str_cstr("AKIAIOSFODNN7EXAMPLE") },
        { KT_CAND_AUTHORIZATION, kt_str_cstr("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"
                                             "20261101/us-east-1/s3/aws4_request") },
    };
    size_t before = kt_redact_known();
    for (size_t i = 0; i < KT_ARRAY_LEN(pub); i++) {
        kt_redact_note_cand(&pub[i]);
    }
    assert_int_equal(kt_redact_known(), before);
    kt_redact_forget_all();
}

/* Random runs are hidden; words, versions, ids and paths people read are not. */
static void test_entropy_rule(void **state)
{
    (void)state;
    kt_redact_forget_all();
    static const char *const hidden[] = {
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", /* AWS secret key: '/' inside */
        "Xk9fP2mQ7rL4tB8wZ1nV5cH3",
        "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f", /* a UUID bearer */
        "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ",
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(hidden); i++) {
        char text[256], red[256];
        snprintf(text, sizeof(text), "/hooks/%s/run", hidden[i]);
        kt_redact_text(kt_str_cstr(text), red, sizeof(red));
        if (holds_piece(red, hidden[i], 0)) {
            fail_msg("random run %zu survives: %s", i, red);
        }
        assert_non_null(strstr(red, "/hooks/"));
    }
    static const char *const kept[] = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        "aws-cli/2.15.30 Python/3.11.6 Linux/6.1.0-18-cloud-amd64 exe/x86_64.debian.12 "
        "prompt/off command/s3.ls",
        "/api/v3/repos/acme-corp/payments-service-backend/pulls?state=open",
        "key kt1-26a8dcf342d20b276af3f0a4.",
        "AKIARTX3GSDS5CZLCV7N.",
        "arn:aws:iam::111122223333:user/backup-job",
        "2026-11-04T02:14:09.230Z impossible_travel new_country",
        "python-requests/2.32.3",
        "lambda.amazonaws.com:ListFunctions20150331, GetFunction20150331v2",
        "jwt iss=https://auth.example.com sub=svc-billing",
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(kept); i++) {
        char red[512];
        kt_redact_text(kt_str_cstr(kept[i]), red, sizeof(red));
        assert_string_equal(red, kept[i]);
    }
}

/* Escapes the redactor must see through: a lone '%' before an escaped token, a URL encoded
 * twice ("%2541"), and separators the Markdown writer backslash-escapes ("\_", "\~") inside a
 * remembered secret whose pieces are too short for the entropy rule. */
static void test_escapes_seen_through(void **state)
{
    (void)state;
    kt_redact_forget_all();
    char tok[64], text[512], red[512];
    tc_checksum_token("ghp_", 21, tok);
    snprintf(text, sizeof(text), "100%% done /x/%.18s%%%02X%s", tok, (unsigned char)tok[18],
             tok + 19);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_false(holds_piece(red, tok, 4));
    assert_non_null(strstr(red, "100% done /x/"));
    snprintf(text, sizeof(text), "/cb?next=%.18s%%25%02X%s", tok, (unsigned char)tok[18],
             tok + 19);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_false(holds_piece(red, tok, 4));
    /* A bearer of short segments, noted by the pipeline, then printed by the Markdown
     * writer as "sub=...\_...\~..." (each piece 13-14 bytes). */
    char a[16], b[16], c[16], bearer[64], md[128];
    tc_token("", B62, 14, 22, a);
    tc_token("", B62, 14, 23, b);
    tc_token("", B62, 13, 24, c);
    snprintf(bearer, sizeof(bearer), "%s_%s~%s", a, b, c);
    kt_redact_note_secret(kt_str_cstr(bearer));
    snprintf(md, sizeof(md), "| jwt iss=https://id.example.net/ sub=%s\\_%s\\~%s |", a, b, c);
    kt_redact_text(kt_str_cstr(md), red, sizeof(red));
    assert_false(holds_piece(red, a, 0));
    assert_false(holds_piece(red, b, 0));
    assert_false(holds_piece(red, c, 0));
    assert_non_null(strstr(red, "| jwt iss=https://id.example.net/ sub="));
    kt_redact_forget_all();
}

/* UUIDs whose groups read as numbers ("-0635-"), glued to other text, are hidden whole. */
static void test_uuid_shapes(void **state)
{
    (void)state;
    static const char *const uuids[] = {
        "3396f23e-0635-6741-a5bf-d6d448e34e6f",
        "12345678-0635-6741-1234-d6d448e34e6f",
        "dee2cebb-5475-def5-d8ac-98a0c16e330b",
    };
    static const char *const around[] = { "%s", "x%s", "%s_old", "/v1/%s.json", "a%sZ" };
    for (size_t i = 0; i < KT_ARRAY_LEN(uuids); i++) {
        for (size_t k = 0; k < KT_ARRAY_LEN(around); k++) {
            char text[128], red[128];
            tc_fill(text, sizeof(text), around[k], uuids[i]);
            kt_redact_text(kt_str_cstr(text), red, sizeof(red));
            if (holds_piece(red, uuids[i], 0)) {
                fail_msg("uuid %zu in context %zu survives: %s", i, k, red);
            }
        }
    }
    char red[128];
    kt_redact_text(kt_str_cstr("i-0abc12345def67890 /v1/orders/12345/items"), red, sizeof(red));
    assert_string_equal(red, "i-0abc12345def67890 /v1/orders/12345/items");
}

/* A JWT longer than any token rule's cap is still hidden whole. */
static void test_long_jwt(void **state)
{
    (void)state;
    static char claim[4200], payload[4400], text[8192], red[8192];
    tc_token("", B62, 4100, 25, claim);
    snprintf(payload, sizeof(payload), "{\"iss\":\"https://id.example.net/\",\"data\":\"%s\"}",
             claim);
    char *jwt = tc_jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload,
                       "c2lnbmF0dXJlLW5vdC1yZWFsLTAxMjM0NTY3ODk");
    snprintf(text, sizeof(text), "/v1/%s x", jwt);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_false(holds_piece(red, jwt, 3));
    assert_non_null(strstr(red, "/v1/"));
    assert_non_null(strstr(red, " x"));
    free(jwt);
}

/* Long base64: segments that read as words by chance do not cut it into shown pieces, and a
 * known secret's start whose rest was changed ('/' written as '_' in a file name) hides the
 * rest of its run. */
static void test_long_base64(void **state)
{
    (void)state;
    kt_redact_forget_all();
    char s1[48], s2[48], s3[48], s4[16], blob[256], text[320], red[320];
    tc_token("", B62, 40, 26, s1);
    tc_token("", B62, 40, 27, s2);
    tc_token("", B62, 40, 28, s3);
    tc_token("", B62, 7, 29, s4);
    snprintf(blob, sizeof(blob), "IQoJb3JpZ2luX2Vj%s+%s/abcdefXyz12+%s+%s==", s1, s2, s3, s4);
    snprintf(text, sizeof(text), "aws-cli/2.15 %s", blob);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_false(holds_piece(red, blob, 0));
    assert_non_null(strstr(red, "aws-cli/2.15 "));
    /* Remembered, then shown with its '/' changed to '_' and a '+' tail of 7. */
    snprintf(blob, sizeof(blob), "%s/%s+%s", s1, s2, s4);
    kt_redact_note_secret(kt_str_cstr(blob));
    snprintf(text, sizeof(text), "f_%s_%s+%s.log", s1, s2, s4);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_false(holds_piece(red, text + 2, 0));
    /* Cut short inside a path (a directory printed in an error), ending on segments that read
     * as words by chance ("+LMEKU/RGy/X", from a seed of plant_secrets.py that found the leak):
     * they go with the blob; the name before it stays. */
    static const char cut[] =
        "IQoJb3JpZ2luX2Vj5NHgMc2RKnmWNh5t3wWKZzI0D90wbQtRJCfXJJD+zfdl0byu92OxSKCWxzdZ0tML"
        "5r+ObiTo+o4irzl8YzjU3MadB+TsbI7tiwe/GCvwiH+ojsHpnwNJTF1hEmnilMdIeMkjCUXs+y/0kKEZ"
        "ey/E0a/03m6CqBAYXwwHi46s8W6q2AXKjxRx7DHALUPXStCQaNSKZ4Yu+LMEKU/RGy/X";
    snprintf(text, sizeof(text), "its directory /nonexistent/%s", cut);
    kt_redact_text(kt_str_cstr(text), red, sizeof(red));
    assert_false(holds_piece(red, cut, 0));
    assert_non_null(strstr(red, "its directory /nonexistent/"));
    kt_redact_forget_all();
}

/* Names: control bytes and invalid UTF-8 become \xHH; text keeps its UTF-8. */
static void test_names(void **state)
{
    (void)state;
    char red[256];
    kt_redact_name(kt_str_cstr("logs/a\nkeytrail: forged\x1b[2J\xff.log caf\xc3\xa9"), red,
                   sizeof(red));
    assert_string_equal(red, "logs/a\\x0akeytrail: forged\\x1b[2J\\xff.log caf\xc3\xa9");
    char tok[64], name[128];
    tc_checksum_token("ghp_", 9, tok);
    snprintf(name, sizeof(name), "/var/log/%s_old.log", tok);
    assert_false(holds_piece(kt_redact_name_cstr(name, red, sizeof(red)), tok, 4));
}

/* At every capacity: NUL-terminated, never a partial UTF-8 sequence, never a token piece. */
static void test_every_capacity(void **state)
{
    (void)state;
    char tok[64], text[256];
    tc_checksum_token("ghp_", 11, tok);
    snprintf(text, sizeof(text), "caf\xc3\xa9 /x/%s_old \xe2\x80\xa6 end", tok);
    for (size_t cap = 1; cap < 96; cap++) {
        char red[96];
        memset(red, 'Z', sizeof(red));
        size_t n = kt_redact_text(kt_str_cstr(text), red, cap);
        assert_true(n < cap);
        assert_int_equal(red[n], '\0');
        assert_int_equal(strlen(red), n);
        assert_false(holds_piece(red, tok, 4));
        /* The last byte is not the start or middle of a cut sequence. */
        if (n > 0) {
            unsigned char last = (unsigned char)red[n - 1];
            assert_false(last >= 0xc0);
        }
    }
    assert_int_equal(kt_redact_text(kt_str_cstr(text), NULL, 10), 0);
    char one[1];
    assert_int_equal(kt_redact_text(kt_str_make(NULL, 5), one, 1), 0);
}

/* The growable form: many tokens, long text, same result as the fixed form. */
static void test_append(void **state)
{
    (void)state;
    static struct tc_sample s[32];
    size_t ns = tc_make_samples(s);
    static char text[65536];
    size_t o = 0;
    for (size_t rep = 0; rep < 40; rep++) {
        for (size_t i = 0; i < ns; i++) {
            o += (size_t)snprintf(text + o, sizeof(text) - o, "{\"ua\":\"x%s_old\"}\n",
                                  s[i].tok);
        }
    }
    struct kt_rbuf rb = { 0 };
    assert_true(kt_redact_append(&rb, kt_str_make(text, o)));
    assert_true(kt_redact_append(&rb, kt_str_cstr("tail")));
    static char fixed[65536];
    size_t n = kt_redact_text(kt_str_make(text, o), fixed, sizeof(fixed));
    assert_int_equal(rb.len, n + 4);
    assert_memory_equal(rb.buf, fixed, n);
    rb.buf = realloc(rb.buf, rb.len + 1);
    rb.buf[rb.len] = '\0';
    for (size_t i = 0; i < ns; i++) {
        if (s[i].fam != KT_FAM_AWS) {
            assert_false(holds_piece(rb.buf, s[i].tok, visible_prefix(s[i].tok)));
        }
    }
    /* Every line is still a JSON object: replacements never hold a quote or backslash. */
    size_t lines = 0;
    for (char *p = rb.buf; (p = strstr(p, "{\"ua\":\"")) != NULL; p++) {
        char *end = strstr(p, "\"}\n");
        assert_non_null(end);
        assert_null(memchr(p + 7, '"', (size_t)(end - p - 7)));
        lines++;
    }
    assert_int_equal(lines, 40 * ns);
    free(rb.buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_family_every_neighbour),
        cmocka_unit_test(test_hint_and_surroundings),
        cmocka_unit_test(test_percent_escape_inside),
        cmocka_unit_test(test_percent_before_secret),
        cmocka_unit_test(test_secret_after_capped_token),
        cmocka_unit_test(test_secret_with_odd_bytes),
        cmocka_unit_test(test_remembered_secret),
        cmocka_unit_test(test_basic_password),
        cmocka_unit_test(test_entropy_rule),
        cmocka_unit_test(test_escapes_seen_through),
        cmocka_unit_test(test_uuid_shapes),
        cmocka_unit_test(test_long_jwt),
        cmocka_unit_test(test_long_base64),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_every_capacity),
        cmocka_unit_test(test_append),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
