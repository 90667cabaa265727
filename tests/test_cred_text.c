/*
 * Credentials in query strings (names, percent-decoding, X-Amz-Credential), tokens embedded in
 * free text (boundaries, positions, look-alikes) and redaction (the output never holds a token,
 * at any capacity).
 */
#include "test_cred_helpers.h"

#include "cred_internal.h"


/* ---- query strings ---- */

struct qcase {
    const char *query;
    size_t n;
    struct {
        enum kt_cand_kind kind;
        const char *value;
    } want[4];
};

static void test_query_table(void **state)
{
    (void)state;
    static const struct qcase rows[] = {
        {"a=1&api_key=k3yV4lu3&b=2", 1, {{KT_CAND_TOKEN, "k3yV4lu3"}}},
        {"API_KEY=x", 1, {{KT_CAND_TOKEN, "x"}}},
        {"ApiKey=x;Api-Key=y", 2, {{KT_CAND_TOKEN, "x"}, {KT_CAND_TOKEN, "y"}}},
        {"api%5Fkey=x", 1, {{KT_CAND_TOKEN, "x"}}},
        {"access_token=a&auth_token=b&private_token=c&client_secret=d",
         4,
         {{KT_CAND_TOKEN, "a"}, {KT_CAND_TOKEN, "b"}, {KT_CAND_TOKEN, "c"}, {KT_CAND_TOKEN, "d"}}},
        {"key=a&token=b&auth=c&secret=d",
         4,
         {{KT_CAND_TOKEN_WEAK, "a"},
          {KT_CAND_TOKEN_WEAK, "b"},
          {KT_CAND_TOKEN_WEAK, "c"},
          {KT_CAND_TOKEN_WEAK, "d"}}},
        {"token=abc%2Bdef%3D%3D", 1, {{KT_CAND_TOKEN_WEAK, "abc+def=="}}},
        {"key=a+b", 1, {{KT_CAND_TOKEN_WEAK, "a b"}}},
        {"key=%zz%4", 1, {{KT_CAND_TOKEN_WEAK, "%zz%4"}}},
        {"key=%41%", 1, {{KT_CAND_TOKEN_WEAK, "A%"}}},
        {"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261102%2F"
         "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261102T000000Z&X-Amz-Signature=abcdef",
         1,
         {{KT_CAND_AWS_KEY_ID, "AKIAIOSFODNN7EXAMPLE"}}},
        {"x-amz-credential=ASIAY34FZKBOKMUTVV7A/20261102/us-east-1/sts/aws4_request",
         1,
         {{KT_CAND_AWS_KEY_ID, "ASIAY34FZKBOKMUTVV7A"}}},
        {"X-Amz-Security-Token=FwoGZXIvYXdzEBYaDFAKE&password=hunter2&sig=abc&signature=x"
         "&pass=y&session=z&X-Amz-Signature=0f",
         0,
         {{0, NULL}}},
        {"api_key=&key&token", 0, {{0, NULL}}},
        {"", 0, {{0, NULL}}},
        {"&&;;=&=x&", 0, {{0, NULL}}},
        {"a_very_long_parameter_name_that_is_not_a_credential_name=1", 0, {{0, NULL}}},
        {"apikey=a=b", 1, {{KT_CAND_TOKEN, "a=b"}}},
        {"ke%79=v", 1, {{KT_CAND_TOKEN_WEAK, "v"}}},
        {"keys=v&akey=w&key_=x", 0, {{0, NULL}}},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(rows); i++) {
        struct kt_str q = kt_str_cstr(rows[i].query);
        char scratch[512];
        struct kt_cand out[8];
        size_t n = kt_cred_find_in_query(q, out, KT_ARRAY_LEN(out), scratch, sizeof(scratch));
        if (n != rows[i].n) {
            fail_msg("query row %zu: %zu candidates, want %zu", i, n, rows[i].n);
        }
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(out[k].kind, rows[i].want[k].kind);
            assert_int_equal(out[k].value.len, strlen(rows[i].want[k].value));
            assert_memory_equal(out[k].value.ptr, rows[i].want[k].value, out[k].value.len);
            /* A view into the query or into scratch, never elsewhere. */
            bool in_query = out[k].value.ptr >= q.ptr && out[k].value.ptr <= q.ptr + q.len;
            bool in_scratch = out[k].value.ptr >= scratch &&
                              out[k].value.ptr + out[k].value.len <= scratch + sizeof(scratch);
            assert_true(in_query || in_scratch);
        }
    }
}

static void test_query_limits(void **state)
{
    (void)state;
    const char *q = "key=a&key=b&key=c&key=d&key=e";
    struct kt_cand out[8];
    char scratch[64];
    assert_int_equal(kt_cred_find_in_query(kt_str_cstr(q), out, 2, scratch, sizeof(scratch)), 2);
    assert_memory_equal(out[1].value.ptr, "b", 1);
    assert_int_equal(kt_cred_find_in_query(kt_str_cstr(q), out, 0, scratch, sizeof(scratch)), 0);
    /* Scratch too small for the encoded values: those are skipped, plain ones still found. */
    const char *enc = "key=%41%42%43&api_key=plain&token=%44%45";
    size_t n = kt_cred_find_in_query(kt_str_cstr(enc), out, 8, scratch, 4);
    assert_int_equal(n, 1);
    assert_memory_equal(out[0].value.ptr, "plain", 5);
    n = kt_cred_find_in_query(kt_str_cstr(enc), out, 8, NULL, 0);
    assert_int_equal(n, 1);
    /* Exactly query.len bytes of scratch always suffice. */
    size_t ql = strlen(enc);
    char *exact = malloc(ql);
    assert_non_null(exact);
    n = kt_cred_find_in_query(kt_str_cstr(enc), out, 8, exact, ql);
    assert_int_equal(n, 3);
    assert_memory_equal(out[0].value.ptr, "ABC", 3);
    assert_memory_equal(out[2].value.ptr, "DE", 2);
    free(exact);
    assert_int_equal(kt_cred_find_in_query(KT_STR_NULL, out, 8, scratch, sizeof(scratch)), 0);
}

/* Candidates from a query feed straight into recognition. */
static void test_query_to_credentials(void **state)
{
    (void)state;
    char ghp[48], q[256];
    tc_checksum_token("ghp_", 5, ghp);
    snprintf(q, sizeof(q), "page=2&access_token=%s&key=short", ghp);
    struct kt_cand out[4];
    char scratch[256];
    size_t n = kt_cred_find_in_query(kt_str_cstr(q), out, 4, scratch, sizeof(scratch));
    assert_int_equal(n, 2);
    struct kt_cred c;
    assert_true(kt_cred_recognise(&out[0], &c));
    assert_int_equal(c.family, KT_FAM_GITHUB);
    assert_false(kt_cred_recognise(&out[1], &c));
}

/* ---- text ---- */

/* The sample tokens (one per family) are tc_make_samples() in test_cred_helpers.h. */

/* Contexts a token appears in: "%s" marks the token. */
static const char *const contexts[] = {
    "%s",
    "/hooks/%s",
    "/hooks/%s/run",
    "/api?token=%s&x=1",
    "GET /v1/%s HTTP/1.1",
    "curl/8.0 (%s)",
    "\"%s\"",
    "'%s'",
    "key: %s.",
    "%s, then more text",
    "/repos%%2F%s%%2Fpulls",
    "x=%s\n",
    "[%s]",
    "<%s>",
    "\t%s\t",
    "caf\xc3\xa9 %s \xc3\xa9t\xc3\xa9",
};

static void test_find_in_text_positions(void **state)
{
    (void)state;
    static struct tc_sample s[32];
    size_t ns = tc_make_samples(s);
    for (size_t i = 0; i < ns; i++) {
        struct kt_cred direct;
        assert_true(tc_recognise(KT_CAND_TOKEN, s[i].tok, &direct));
        assert_int_equal(direct.family, s[i].fam);
        for (size_t k = 0; k < KT_ARRAY_LEN(contexts); k++) {
            char text[1024];
            tc_fill(text, sizeof(text), contexts[k], s[i].tok);
            struct kt_cand out[4];
            size_t n = kt_cred_find_in_text(kt_str_cstr(text), out, 4);
            if (n != 1) {
                fail_msg("sample %zu (%s) in context %zu: %zu found", i, kt_family_name(s[i].fam),
                         k, n);
            }
            assert_int_equal(out[0].kind, KT_CAND_TOKEN);
            assert_int_equal(out[0].value.len, strlen(s[i].tok));
            assert_memory_equal(out[0].value.ptr, s[i].tok, out[0].value.len);
        }
    }
}

static void test_find_in_text_boundaries(void **state)
{
    (void)state;
    static struct tc_sample s[32];
    size_t ns = tc_make_samples(s);
    for (size_t i = 0; i < ns; i++) {
        char text[1024];
        struct kt_cand out[4];
        /* Glued to a word on the left: not a token start. */
        tc_fill(text, sizeof(text), "x%s", s[i].tok);
        assert_int_equal(kt_cred_find_in_text(kt_str_cstr(text), out, 4), 0);
        tc_fill(text, sizeof(text), "9%s", s[i].tok);
        assert_int_equal(kt_cred_find_in_text(kt_str_cstr(text), out, 4), 0);
        tc_fill(text, sizeof(text), "_%s", s[i].tok);
        assert_int_equal(kt_cred_find_in_text(kt_str_cstr(text), out, 4), 0);
        /* Glued on the right: the token would be longer than its family allows, or not
         * exactly this token. */
        tc_fill(text, sizeof(text), "%sZ9_", s[i].tok);
        size_t n = kt_cred_find_in_text(kt_str_cstr(text), out, 4);
        for (size_t k = 0; k < n; k++) {
            assert_false(out[k].value.len == strlen(s[i].tok));
        }
    }
}

/* Shapes the strict scanner does not key as a credential, but the redactor hides anyway: it
 * looks for secrets liberally (see test_redact.c). */
static void test_find_in_text_none_but_hidden(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "eyJzdWIiOiJzIn0.eyJzdWIiOiJzIn0.c2ln",              /* header without alg */
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzIn0.c2ln.ZXh0cmE", /* four segments */
        "AKIAiosfodnn7example",
        "eyJ not a jwt eyJhbGciOiJIUzI1NiJ9.x", /* a header alone: base64, random-looking */
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(texts); i++) {
        struct kt_cand out[4];
        assert_int_equal(kt_cred_find_in_text(kt_str_cstr(texts[i]), out, 4), 0);
        char red[512];
        kt_cred_redact(kt_str_cstr(texts[i]), red, sizeof(red));
        assert_null(strstr(red, texts[i]));
    }
}

static void test_find_in_text_none(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "",
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
         "Safari/537.36"),
        "/api/v1/users/12345/settings?expand=groups&sort=-created",
        "/static/js/app.3f9a1c.js",
        "python-requests/2.31.0",
        "aws-sdk-go/1.44.0 (go1.20; linux; amd64) exec-env/AWS_Lambda_go1.x",
        "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX",
        "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "the task-key is github and the secret key is in slack",
        "AKIAIOSFODNN7EXAMPLEX",
        "xAKIAIOSFODNN7EXAMPLE",
        "SKYSCRAPER skipped AC/DC accounts",
        "npm_install_failed_because_of_reasons",
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(texts); i++) {
        struct kt_cand out[4];
        size_t n = kt_cred_find_in_text(kt_str_cstr(texts[i]), out, 4);
        if (n != 0) {
            fail_msg("text %zu: %zu found", i, n);
        }
        char red[512];
        size_t len = kt_cred_redact(kt_str_cstr(texts[i]), red, sizeof(red));
        assert_int_equal(len, strlen(texts[i]));
        assert_string_equal(red, texts[i]);
    }
}

static void test_find_in_text_many(void **state)
{
    (void)state;
    static struct tc_sample s[32];
    size_t ns = tc_make_samples(s);
    static char text[16384];
    size_t o = 0;
    size_t placed = 0;
    for (size_t rep = 0; rep < 3; rep++) {
        for (size_t i = 0; i < ns; i++) {
            o += (size_t)snprintf(text + o, sizeof(text) - o, " /x/%s", s[i].tok);
            placed++;
        }
    }
    struct kt_cand out[64];
    assert_int_equal(kt_cred_find_in_text(kt_str_make(text, o), out, 64), placed);
    assert_int_equal(kt_cred_find_in_text(kt_str_make(text, o), out, 5), 5);
    assert_int_equal(kt_cred_find_in_text(kt_str_make(text, o), NULL, 5), 0);
    /* Redaction handles more tokens than one scan batch. */
    static char red[16384];
    size_t len = kt_cred_redact(kt_str_make(text, o), red, sizeof(red));
    assert_int_equal(len, strlen(red));
    for (size_t i = 0; i < ns; i++) {
        if (s[i].fam == KT_FAM_AWS) {
            continue;
        }
        size_t n = strlen(s[i].tok);
        for (size_t w = 0; w + 12 <= n; w++) {
            if (w < 13 && s[i].fam != KT_FAM_JWT) {
                continue; /* windows inside the visible prefix */
            }
            assert_false(tc_contains(red, len, s[i].tok + w, 8));
        }
    }
}

/* ---- redaction ---- */

static void test_redact_every_context(void **state)
{
    (void)state;
    static struct tc_sample s[32];
    size_t ns = tc_make_samples(s);
    for (size_t i = 0; i < ns; i++) {
        struct kt_cred direct;
        assert_true(tc_recognise(KT_CAND_TOKEN, s[i].tok, &direct));
        for (size_t k = 0; k < KT_ARRAY_LEN(contexts); k++) {
            char text[1024], want[1024], red[1024];
            tc_fill(text, sizeof(text), contexts[k], s[i].tok);
            tc_fill(want, sizeof(want), contexts[k], direct.hint);
            size_t len = kt_cred_redact(kt_str_cstr(text), red, sizeof(red));
            assert_string_equal(red, want);
            assert_int_equal(len, strlen(want));
            if (s[i].fam == KT_FAM_AWS) {
                assert_non_null(strstr(red, "AKIAIOSFODNN7EXAMPLE")); /* ids may stay whole */
            } else {
                assert_null(strstr(red, s[i].tok));
            }
        }
    }
}

/* At every capacity the output is NUL-terminated, a prefix of the full redaction, free of
 * token bytes, and never ends inside a UTF-8 sequence. */
static void test_redact_capacities(void **state)
{
    (void)state;
    char ghp[48], text[256], full[256], out[256];
    tc_checksum_token("ghp_", 77, ghp);
    snprintf(text, sizeof(text), "\xc3\xa9t\xc3\xa9 /hooks/%s/\xe2\x82\xac end", ghp);
    size_t full_len = kt_cred_redact(kt_str_cstr(text), full, sizeof(full));
    assert_null(strstr(full, ghp));
    for (size_t cap = 1; cap <= full_len + 4; cap++) {
        memset(out, 0x7e, sizeof(out));
        size_t len = kt_cred_redact(kt_str_cstr(text), out, cap);
        assert_true(len < cap);
        assert_int_equal(out[len], '\0');
        assert_int_equal(strlen(out), len);
        assert_memory_equal(out, full, len);
        assert_int_equal((unsigned char)out[cap] == 0x7e || cap >= sizeof(out), true);
        for (size_t w = 4; w + 12 <= strlen(ghp); w++) {
            assert_false(tc_contains(out, len, ghp + w, 8));
        }
        /* The last byte written is not the start or middle of a cut sequence. */
        if (len > 0) {
            size_t start = len - 1;
            while (start > 0 && ((unsigned char)out[start] & 0xc0) == 0x80) {
                start--;
            }
            unsigned char lead = (unsigned char)out[start];
            size_t need = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
            assert_int_equal(len - start, need);
        }
    }
    assert_int_equal(kt_cred_redact(kt_str_cstr(text), NULL, 10), 0);
    assert_int_equal(kt_cred_redact(kt_str_cstr(text), out, 0), 0);
    assert_int_equal(kt_cred_redact(KT_STR_NULL, out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

/* A found token that recognition then rejects is still never copied. */
static void test_redact_unrecognised_jwt(void **state)
{
    (void)state;
    /* Header names alg (so the scanner takes it) but the payload is not JSON. */
    char *jwt = tc_jwt("{\"alg\":\"HS256\"}", "not json at all", "c2ln");
    char text[256], out[256];
    snprintf(text, sizeof(text), "see %s here", jwt);
    struct kt_cand cands[2];
    assert_int_equal(kt_cred_find_in_text(kt_str_cstr(text), cands, 2), 1);
    kt_cred_redact(kt_str_cstr(text), out, sizeof(out));
    assert_null(strstr(out, jwt));
    assert_memory_equal(out, "see ", 4);
    assert_non_null(strstr(out, " here"));
    free(jwt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_table),
        cmocka_unit_test(test_query_limits),
        cmocka_unit_test(test_query_to_credentials),
        cmocka_unit_test(test_find_in_text_positions),
        cmocka_unit_test(test_find_in_text_boundaries),
        cmocka_unit_test(test_find_in_text_none),
        cmocka_unit_test(test_find_in_text_none_but_hidden),
        cmocka_unit_test(test_find_in_text_many),
        cmocka_unit_test(test_redact_every_context),
        cmocka_unit_test(test_redact_capacities),
        cmocka_unit_test(test_redact_unrecognised_jwt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
