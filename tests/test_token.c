/*
 * What a token looks like (src/token.h): the byte classes against definitions written out here,
 * the family table's own rules (prefixes, order, start bytes), the extent of every family's
 * token and of JWTs in both modes, and the promise the redactor and recognition rely on: where
 * strict scanning finds a token, liberal scanning finds the same one, and the cheap first tests
 * in front of kt_tok_at never pass over a token.
 */
#include "test_cred_helpers.h"

#include "token.h"

/* ---- bytes ---- */

static bool ref_alnum(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void test_byte_classes(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        bool alnum = ref_alnum(c);
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        bool word = alnum || c == '_';
        bool tok = word || c == '.' || c == '-';
        bool secret = tok || (c != 0 && strchr("~+/=", c) != NULL);
        bool b64url = alnum || c == '_' || c == '-';
        unsigned char u = (unsigned char)c;
        if (kt_tok_is(u, KT_TOK_ALNUM) != alnum || kt_tok_is(u, KT_TOK_HEX) != hex ||
            kt_tok_is(u, KT_TOK_WORD) != word || kt_tok_is(u, KT_TOK_BYTE) != tok ||
            kt_tok_is(u, KT_TOK_SECRET) != secret || kt_tok_is(u, KT_TOK_B64URL) != b64url) {
            fail_msg("byte 0x%02x is in the wrong classes (0x%02x)", c, kt_tok_class[u]);
        }
    }
}

/* START holds exactly the first bytes of the family prefixes and 'e' (of "eyJ"). */
static void test_start_bytes(void **state)
{
    (void)state;
    bool first[256] = {['e'] = true};
    for (size_t r = 0; r < kt_tok_n_families; r++) {
        first[(unsigned char)kt_tok_families[r].prefix[0]] = true;
    }
    for (int c = 0; c < 256; c++) {
        if (kt_tok_is((unsigned char)c, KT_TOK_START) != first[c]) {
            fail_msg("byte 0x%02x: START %d, a prefix starts with it %d", c,
                     kt_tok_is((unsigned char)c, KT_TOK_START), first[c]);
        }
    }
}

static void test_start_boundary(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t i;
        bool want;
    } cases[] = {
        {"ghp_", 0, true},     {" ghp_", 1, true},   {"/ghp_", 1, true},    {"aghp_", 1, false},
        {"_ghp_", 1, false},   {"9ghp_", 1, false},  {"-ghp_", 1, true},    {".ghp_", 1, true},
        {"%2Fghp_", 3, true},  {"%2fghp_", 3, true}, {"x2Fghp_", 3, false}, {"%2Gghp_", 3, false},
        {"%G2ghp_", 3, false}, {"2Fghp_", 2, false},
    };
    for (size_t k = 0; k < KT_ARRAY_LEN(cases); k++) {
        if (kt_tok_start_boundary(kt_str_cstr(cases[k].text), cases[k].i) != cases[k].want) {
            fail_msg("'%s' at %zu: want %d", cases[k].text, cases[k].i, cases[k].want);
        }
    }
}

/* ---- the family table ---- */

static void test_family_table(void **state)
{
    (void)state;
    assert_true(kt_tok_n_families > 30);
    for (size_t r = 0; r < kt_tok_n_families; r++) {
        const struct kt_tok_family *row = &kt_tok_families[r];
        assert_int_equal(row->plen, strlen(row->prefix));
        assert_true(row->plen >= 2);
        assert_true(row->min <= row->max);
        assert_true(row->min > 0);
        assert_non_null(row->kind);
        assert_true(row->family != KT_FAM_NONE && row->family != KT_FAM_JWT);
        assert_true(
            kt_tok_may_start_pair((unsigned char)row->prefix[0], (unsigned char)row->prefix[1]));
        /* kt_tok_at sends "e..." to the JWT shape only. */
        assert_true(row->prefix[0] != 'e');
        /* No token is shorter than the scanners' first test lets through. */
        assert_true(row->plen + row->min >= KT_TOK_MIN_LEN);
        /* A longer prefix comes before any shorter one it starts with. */
        for (size_t q = 0; q < r; q++) {
            const struct kt_tok_family *before = &kt_tok_families[q];
            if (before->plen < row->plen &&
                memcmp(row->prefix, before->prefix, before->plen) == 0) {
                fail_msg("'%s' (row %zu) comes after '%s' (row %zu)", row->prefix, r,
                         before->prefix, q);
            }
        }
    }
    assert_false(kt_tok_may_start_pair('g', 'x'));
    assert_false(kt_tok_may_start_pair('e', 'y')); /* JWTs are not a family */
}

static void test_family_whole(void **state)
{
    (void)state;
    struct tc_sample s[24];
    size_t n = tc_make_samples(s);
    for (size_t k = 0; k < n; k++) {
        const struct kt_tok_family *row = kt_tok_family_whole(kt_str_cstr(s[k].tok));
        if (s[k].fam == KT_FAM_JWT) {
            assert_null(row);
            continue;
        }
        if (row == NULL || row->family != s[k].fam) {
            fail_msg("sample %zu is not matched whole as its family", k);
        }
        /* One byte more or less is no longer exactly a token of a fixed-length family. */
        if (row->min == row->max) {
            char longer[420];
            snprintf(longer, sizeof(longer), "%sQ", s[k].tok);
            assert_null(kt_tok_family_whole(kt_str_cstr(longer)));
            assert_null(kt_tok_family_whole(kt_str_make(s[k].tok, strlen(s[k].tok) - 1)));
        }
    }
    char bad[48];
    tc_checksum_token("ghp_", 5, bad);
    bad[10] = bad[10] == 'A' ? 'B' : 'A'; /* checksum no longer matches */
    assert_null(kt_tok_family_whole(kt_str_cstr(bad)));
    assert_null(kt_tok_family_whole(kt_str_cstr("sk_live_XXXXXXXXXXXXXXXXXXXXXXXX")));
    assert_null(kt_tok_family_whole(KT_STR_NULL));
    assert_true(kt_tok_in_charset(kt_str_cstr("ABC234"), KT_TOK_CC_B32));
    assert_false(kt_tok_in_charset(kt_str_cstr("ABC1"), KT_TOK_CC_B32));
    assert_true(kt_tok_in_charset(kt_str_cstr("0af"), KT_TOK_CC_HEXL));
    assert_false(kt_tok_in_charset(kt_str_cstr("0aF"), KT_TOK_CC_HEXL));
}

/* ---- extents ---- */

/* Every sample in a context that ends it: both modes give its whole length and its kind. */
static void test_extent_every_family(void **state)
{
    (void)state;
    static const char *const after[] = {"", " rest", "\"", "/x", ". End", ",", "&a=1", "\n"};
    struct tc_sample s[24];
    size_t n = tc_make_samples(s);
    for (size_t k = 0; k < n; k++) {
        size_t len = strlen(s[k].tok);
        for (size_t a = 0; a < KT_ARRAY_LEN(after); a++) {
            char text[512];
            snprintf(text, sizeof(text), "%s%s", s[k].tok, after[a]);
            for (int mode = KT_TOK_STRICT; mode <= KT_TOK_LIBERAL; mode++) {
                struct kt_tok tok;
                size_t got = kt_tok_at(kt_str_cstr(text), (enum kt_tok_mode)mode, true, &tok);
                if (got != len) {
                    fail_msg("sample %zu + '%s', mode %d: length %zu, want %zu", k, after[a], mode,
                             got, len);
                }
                if (s[k].fam == KT_FAM_JWT) {
                    assert_int_equal(tok.kind, KT_TOK_JWT);
                } else {
                    assert_int_equal(tok.kind, KT_TOK_FAMILY);
                    assert_int_equal(tok.row->family, s[k].fam);
                }
            }
            /* Without JWTs a JWT is nothing, a family token is unchanged. */
            size_t fam_only = kt_tok_at(kt_str_cstr(text), KT_TOK_LIBERAL, false, NULL);
            assert_int_equal(fam_only, s[k].fam == KT_FAM_JWT ? 0 : len);
        }
    }
}

/* Glued to a longer word: strict leaves it, liberal still finds it. */
static void test_extent_glued(void **state)
{
    (void)state;
    char ghp[48], text[80];
    tc_checksum_token("ghp_", 9, ghp);
    snprintf(text, sizeof(text), "%sZold", ghp);
    struct kt_str t = kt_str_cstr(text);
    assert_int_equal(kt_tok_at(t, KT_TOK_STRICT, true, NULL), 0);
    assert_int_equal(kt_tok_at(t, KT_TOK_LIBERAL, true, NULL), strlen(ghp));
    assert_int_equal(kt_tok_family_extent(t, KT_TOK_LIBERAL, NULL), strlen(ghp));
    /* A sentence's full stop after a token of a dotted family is not part of it. */
    char glpat[64];
    tc_token("glpat-", B62, 24, 3, glpat);
    snprintf(text, sizeof(text), "%s.", glpat);
    assert_int_equal(kt_tok_at(kt_str_cstr(text), KT_TOK_STRICT, true, NULL), strlen(glpat));
    snprintf(text, sizeof(text), "%s...", glpat);
    assert_int_equal(kt_tok_at(kt_str_cstr(text), KT_TOK_LIBERAL, true, NULL), strlen(glpat));
    /* Cut at the family's longest length: the rest is not the token's. */
    char longer[96];
    tc_token("AIza", B62, 40, 4, longer);
    assert_int_equal(kt_tok_at(kt_str_cstr(longer), KT_TOK_LIBERAL, true, NULL), 4 + 35);
    assert_int_equal(kt_tok_at(kt_str_cstr(longer), KT_TOK_STRICT, true, NULL), 0);
}

static void test_jwt_shape(void **state)
{
    (void)state;
    char *jwt = tc_jwt("{\"alg\":\"none\"}", "{\"sub\":\"a\"}", "c2ln");
    char *no_alg = tc_jwt("{\"typ\":\"JWT\"}", "{\"sub\":\"a\"}", "c2ln");
    size_t len = strlen(jwt);
    struct kt_tok_jwt_parts parts;
    assert_true(kt_tok_jwt_split(kt_str_cstr(jwt), &parts));
    assert_int_equal(parts.header.len + parts.payload.len + parts.signature.len + 2, len);
    assert_memory_equal(parts.signature.ptr, "c2ln", 4);
    assert_false(kt_tok_jwt_split(kt_str_make(jwt, len - 5), &parts)); /* two segments */
    assert_false(kt_tok_jwt_split(kt_str_cstr("eyJ.x.y"), &parts));

    char text[256];
    snprintf(text, sizeof(text), "%s.x", jwt); /* a fourth segment: not a compact JWS */
    assert_int_equal(kt_tok_jwt_extent(kt_str_cstr(text), KT_TOK_STRICT), 0);
    assert_int_equal(kt_tok_jwt_extent(kt_str_cstr(text), KT_TOK_LIBERAL), len);
    snprintf(text, sizeof(text), "%s. Next", jwt);
    assert_int_equal(kt_tok_jwt_extent(kt_str_cstr(text), KT_TOK_STRICT), len);
    snprintf(text, sizeof(text), "%s~", jwt);
    assert_int_equal(kt_tok_at(kt_str_cstr(text), KT_TOK_STRICT, true, NULL), len);
    /* The header must name "alg". */
    assert_int_equal(kt_tok_jwt_extent(kt_str_cstr(no_alg), KT_TOK_LIBERAL), 0);
    assert_int_equal(kt_tok_at(kt_str_cstr("eyJhbGciOi.eyJ"), KT_TOK_LIBERAL, true, NULL), 0);
    free(jwt);
    free(no_alg);
}

/* Text made of pieces of tokens, separators and junk, so that tokens start, end, overlap and
 * are cut at every kind of place. */
static size_t make_noise(uint64_t *st, const struct tc_sample *s, size_t n, char *out, size_t cap)
{
    static const char *const glue[] = {" ",   "_",  "-",    ".",    "/",        "%2F",
                                       "x",   "=",  "+",    "~",    "..",       "\"",
                                       "eyJ", "SK", "ghp_", "AKIA", "\xc3\xa9", "\\_"};
    size_t len = 0;
    while (len + 420 < cap) {
        uint64_t r = kt_test_rand(st);
        const char *piece = r % 3 == 0 ? glue[(r >> 8) % KT_ARRAY_LEN(glue)] : s[(r >> 8) % n].tok;
        size_t plen = strlen(piece);
        if (r % 5 == 1 && plen > 4) {
            plen = (size_t)((r >> 24) % plen); /* a token cut short */
        }
        memcpy(out + len, piece, plen);
        len += plen;
        if ((r >> 40) % 7 == 0 && len > 0) {
            out[len - 1] = (char)(r >> 48); /* a byte changed to anything */
        }
    }
    return len;
}

/* Whether the n bytes at p occur in text exactly once. */
static bool once_in(struct kt_str text, const char *p, size_t n)
{
    size_t seen = 0;
    for (size_t i = 0; i + n <= text.len && seen < 2; i++) {
        seen += memcmp(text.ptr + i, p, n) == 0;
    }
    return seen == 1;
}

/* Every token recognition finds in text is gone from the redacted text: no 12 bytes of it
 * that occur nowhere else remain (a hint shows a prefix and the last four). AWS key ids are
 * public and stay. */
static void assert_recognised_are_hidden(struct kt_str text)
{
    struct kt_cand cands[64];
    size_t found = kt_cred_find_in_text(text, cands, KT_ARRAY_LEN(cands));
    size_t cap = text.len * 2 + 64;
    char *out = malloc(cap);
    assert_non_null(out);
    size_t n = kt_cred_redact(text, out, cap);
    for (size_t c = 0; c < found; c++) {
        struct kt_str v = cands[c].value;
        struct kt_tok tok;
        kt_tok_at(v, KT_TOK_STRICT, true, &tok);
        if (tok.kind == KT_TOK_FAMILY && tok.row->family == KT_FAM_AWS) {
            continue; /* a key id is public: outputs name keys by it */
        }
        for (size_t k = 0; k + 12 <= v.len; k += 4) {
            /* The same bytes elsewhere in the text (noise repeats its pieces) are not this
             * token's: they may stand where no token is. */
            if (!once_in(text, v.ptr + k, 12)) {
                continue;
            }
            if (tc_contains(out, n, v.ptr + k, 12)) {
                fail_msg("12 bytes of a recognised token at %zu are left in the redacted text",
                         (size_t)(v.ptr - text.ptr) + k);
            }
        }
    }
    free(out);
}

/* A token cut short and glued to the next ends, at its family's longest length, inside the
 * next one; recognition keys the next one whole, and the redactor must hide all of it. */
static void test_glued_token_hidden_whole(void **state)
{
    (void)state;
    char cut[300], next[128], text[512];
    tc_token("sk-ant-", B62, 250, 21, cut);
    tc_token("sk-ant-api03-", B62, 95, 22, next);
    snprintf(text, sizeof(text), "key=%s-%s end", cut, next);
    struct kt_str t = kt_str_cstr(text);
    size_t at = 4 + strlen(cut) + 1;
    /* The first runs past the second's start, the second past the first's end. */
    assert_int_equal(kt_tok_at(kt_str_make(t.ptr + 4, t.len - 4), KT_TOK_LIBERAL, true, NULL),
                     7 + 300);
    assert_int_equal(kt_tok_at(kt_str_make(t.ptr + at, t.len - at), KT_TOK_STRICT, true, NULL),
                     strlen(next));
    struct kt_cand cands[4];
    assert_int_equal(kt_cred_find_in_text(t, cands, 4), 1);
    assert_ptr_equal(cands[0].value.ptr, t.ptr + at);
    assert_recognised_are_hidden(t);
    char out[512];
    kt_cred_redact(t, out, sizeof(out));
    assert_memory_equal(out, "key=", 4);
    assert_non_null(strstr(out, " end"));
}

static void test_strict_agrees_with_liberal(void **state)
{
    (void)state;
    struct tc_sample s[24];
    size_t n = tc_make_samples(s);
    uint64_t st = 0x746f6b656e73ULL;
    char text[4096];
    size_t strict_found = 0, liberal_only = 0;
    for (int round = 0; round < 300; round++) {
        size_t len = make_noise(&st, s, n, text, sizeof(text));
        for (size_t i = 0; i < len; i++) {
            struct kt_str rest = kt_str_make(text + i, len - i);
            struct kt_tok ts, tl;
            size_t ns = kt_tok_at(rest, KT_TOK_STRICT, true, &ts);
            size_t nl = kt_tok_at(rest, KT_TOK_LIBERAL, true, &tl);
            assert_true(ns <= rest.len && nl <= rest.len);
            if (nl > 0) {
                /* The redactor's first test (redact.c) lets every token through. */
                if (!kt_tok_may_begin(rest.ptr, rest.len, true)) {
                    fail_msg("round %d offset %zu: a token kt_tok_may_begin passes over", round, i);
                }
                assert_true(nl >= KT_TOK_MIN_LEN);
                if (tl.kind == KT_TOK_FAMILY) {
                    assert_true(kt_tok_may_begin(rest.ptr, rest.len, false));
                }
            }
            if (ns == 0) {
                liberal_only += nl > 0;
                continue;
            }
            strict_found++;
            if (nl != ns || tl.kind != ts.kind || tl.row != ts.row) {
                fail_msg("round %d offset %zu: strict %zu, liberal %zu", round, i, ns, nl);
            }
            /* Recognition's first test (cred_text.c): KT_TOK_MIN_LEN token bytes. */
            for (size_t k = 0; k < KT_TOK_MIN_LEN; k++) {
                assert_true(kt_tok_is((unsigned char)rest.ptr[k], KT_TOK_BYTE));
            }
        }
        assert_recognised_are_hidden(kt_str_make(text, len));
    }
    /* The noise did exercise both: tokens found strictly, and glued ones only liberally. */
    assert_true(strict_found > 1000);
    assert_true(liberal_only > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_byte_classes),
        cmocka_unit_test(test_start_bytes),
        cmocka_unit_test(test_start_boundary),
        cmocka_unit_test(test_family_table),
        cmocka_unit_test(test_family_whole),
        cmocka_unit_test(test_extent_every_family),
        cmocka_unit_test(test_extent_glued),
        cmocka_unit_test(test_jwt_shape),
        cmocka_unit_test(test_glued_token_hidden_whole),
        cmocka_unit_test(test_strict_agrees_with_liberal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
