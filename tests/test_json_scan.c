/*
 * Unit tests for the targeted JSON scanner (src/json_scan.c).
 *
 * Table-driven: status and end offset of kt_json_skip for good, bad and hostile inputs; every
 * prefix of valid documents; escapes decoded byte for byte as json-c does; path matching
 * (case, duplicates, replacement, non-object intermediates, arrays, escaped names); depth at
 * and over the limit (and its exact relation to json-c's limit); kt_json_int; the scalar, SSE2
 * and AVX2 stop-byte masks against each other and string scanning against a byte-by-byte
 * reference at every alignment and across 512-byte windows; every number shape next to every
 * following byte. The agreement tests run the fuzz harness's json-c oracle
 * (tests/fuzz/fuzz_json.c, included below) over the fixtures, over the JSON in samples/ (plain
 * or gzip) when it exists, and over many thousands of generated and mutated documents.
 * Build with -DKT_JSON_NO_SIMD to run everything on the portable scalar path.
 */
#include "testutil.h"

#include "json_scan.h"
#include "json_scan_str.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "fuzz/fuzz_json.c"

/* ---- helpers ------------------------------------------------------------------------------ */

/* Checks one input with the shared oracle and fails the test with a hex dump when it
 * disagrees (inputs here are synthetic: no log content is printed). */
static void check_or_fail(const void *data, size_t len, struct json_check_stats *st,
                          const char *what)
{
    const char *why = json_check(data, len, st);
    if (why != NULL) {
        const uint8_t *b = data;
        print_error("%s: %s; input (%zu bytes):", what, why, len);
        for (size_t i = 0; i < len && i < 400; i++) {
            print_error(" %02x", b[i]);
        }
        print_error("\n");
        fail();
    }
}

struct buf {
    char *p;
    size_t len, cap;
};

static void buf_put(struct buf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        char *np = realloc(b->p, cap);
        assert_non_null(np);
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_puts(struct buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

/* ---- kt_json_skip table ------------------------------------------------------------------- */

struct skip_case {
    const char *text;
    size_t len; /* 0: strlen(text) */
    enum kt_json_status want;
    long end; /* expected *consumed, -1: don't care */
};

#define OK_(s, e)                                                                                  \
    {                                                                                              \
        s, 0, KT_JSON_OK, e                                                                        \
    }
#define BAD(s)                                                                                     \
    {                                                                                              \
        s, 0, KT_JSON_INVALID, -1                                                                  \
    }
#define INC(s)                                                                                     \
    {                                                                                              \
        s, 0, KT_JSON_INCOMPLETE, -1                                                               \
    }

static const struct skip_case skip_cases[] = {
    /* good: containers, whitespace, end offsets (trailing whitespace not consumed) */
    OK_("{}", 2),
    OK_("[]", 2),
    OK_("  {}  ", 4),
    OK_("\t\r\n[ ]\n", 6),
    OK_("{\"a\":1}", 7),
    OK_("{ \"a\" : [ 1 , 2 ] , \"b\" : { } }", 31),
    OK_("[true,false,null]", 17),
    OK_("\"str\"", 5),
    OK_("\"\" ", 2),
    OK_("{}{}", 2),
    OK_("{}x", 2),
    {"[1]\0", 4, KT_JSON_OK, 3},
    /* good: json-c's number laxity */
    OK_("[0,-0,00,-00,-01,-007]", 22),
    OK_("[1.,0.,-0.,1.e5,-.5,00.5,01.5,00e1]", 35),
    OK_("[1e400,-1e400,1e-400,18446744073709551616,-9223372036854775809]", 63),
    OK_("[1E+2,2e-3,1.5E5]", 17),
    OK_("1 ", 1),
    OK_("-0.5\n", 4),
    OK_("1x", 1),
    /* good: NaN/Infinity extensions, literals followed by a byte */
    OK_("[NaN,Infinity,-Infinity]", 24),
    OK_("{\"a\":NaN}", 9),
    OK_("NaN ", 3),
    OK_("-Infinity ", 9),
    OK_("true ", 4),
    OK_("null,", 4),
    /* good: strings */
    OK_("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\uD83D\\uDE00\"]", 38),
    OK_("[\"\\u0000\",\"\\ud800\",\"\\udc00x\"]", 29),
    OK_("[\"tab\tnl\nctl\x01\x1f del\x7f \xff\xfe\"]", 24),
    /* bad: structure */
    BAD("{\"a\":1,}"),
    BAD("[1,]"),
    BAD("[,1]"),
    BAD("{,}"),
    BAD("[1 2]"),
    BAD("{\"a\" 1}"),
    BAD("{\"a\":}"),
    BAD("{:1}"),
    BAD("{1:2}"),
    BAD("{\"a\":1 \"b\":2}"),
    BAD("{\"a\":1]"),
    BAD("[1}"),
    BAD("]"),
    BAD("}"),
    BAD(","),
    /* bad: not JSON at all */
    BAD("{'a':1}"), /* deviation: json-c accepts single-quoted member names */
    BAD("{\"a\":'b'}"),
    BAD("'a'"),
    BAD("/*c*/{}"),
    BAD("//c\n{}"),
    BAD("[1,/*c*/2]"),
    BAD("\xef\xbb\xbf{}"),
    BAD("\x0b{}"),
    BAD("[1,\x0c"
        "2]"),
    BAD("{\"a\"\x0b:1}"),
    /* bad: numbers */
    BAD("[01]"),
    BAD("[007]"),
    BAD("[.5]"),
    BAD("[+1]"),
    BAD("[-]"),
    BAD("[1e]"),
    BAD("[1e+]"),
    BAD("[1.5e]"),
    BAD("[1.5.5]"),
    BAD("[1e5e5]"),
    BAD("[1e5.5]"),
    BAD("[0x1]"),
    BAD("[1-2]"),
    BAD("[--1]"),
    BAD("[-.]"),
    BAD("[-e1]"),
    BAD("[1.-5]"),
    BAD("[1\x0b]"),
    BAD("[1/]"),
    BAD("[1I]"),
    BAD("- "),
    BAD("-x"),
    BAD("01 "),
    /* bad: literals */
    BAD("[True]"),
    BAD("[nul]"),
    BAD("[nulll]"),
    BAD("[truex]"),
    BAD("[nan]"),
    BAD("[NAN]"),
    BAD("[-NaN]"),
    BAD("[inf]"),
    BAD("[infinity]"),
    BAD("[-infinity]"),
    BAD("[-Inf]"),
    BAD("[Infinityx]"),
    BAD("T"),
    BAD("i"),
    /* bad: strings */
    BAD("[\"\\x\"]"),
    BAD("[\"\\U0041\"]"),
    BAD("[\"\\'\"]"),
    BAD("[\"\\a\"]"),
    BAD("[\"\\ \"]"),
    BAD("[\"\\u12g4\"]"),
    BAD("[\"\\u\"]"),
    BAD("[\"\\ud800\\u\"]"),
    BAD("[\"\\ud800\\udc0\"]"),
    /* bad: NUL bytes inside the value */
    {"[\"a\0b\"]", 7, KT_JSON_INVALID, 3},
    {"{\"a\0\":1}", 8, KT_JSON_INVALID, 3},
    {"[ \0 1]", 6, KT_JSON_INVALID, 2},
    {"\0", 1, KT_JSON_INVALID, 0},
    {"[1\0]", 4, KT_JSON_INVALID, 2},
    /* incomplete: the text ends inside the value (json-c: "continue") */
    INC(""),
    INC("   "),
    INC("{"),
    INC("["),
    INC("{\"a\""),
    INC("{\"a\":"),
    INC("{\"a\":1"),
    INC("{\"a\":1,"),
    INC("[1,2"),
    INC("\"abc"),
    INC("\"\\"),
    INC("\"\\u12"),
    INC("[\"\\ud800\\"),
    INC("1"),
    INC("-"),
    INC("-0.5"),
    INC("1e"),
    INC("01"),
    INC("true"),
    INC("tru"),
    INC("nul"),
    INC("NaN"),
    INC("Infinity"),
    INC("-Infinity"),
    INC("-I"),
    INC("[-1.-"),
    INC("[t"),
};

static void test_skip_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < KT_ARRAY_LEN(skip_cases); i++) {
        const struct skip_case *c = &skip_cases[i];
        size_t len = c->len ? c->len : strlen(c->text);
        size_t end = 12345;
        enum kt_json_status st = kt_json_skip(c->text, len, &end);
        if (st != c->want || (c->end >= 0 && end != (size_t)c->end)) {
            print_error("case %zu: status %d (want %d), end %zu (want %ld)\n", i, st, c->want, end,
                        c->end);
            fail();
        }
        if (st == KT_JSON_INCOMPLETE) {
            assert_int_equal(end, len);
        }
        /* The same verdict from json-c (via the shared oracle). */
        check_or_fail(c->text, len, NULL, "skip table");
    }
}

/* Cases where json-c decides differently, on purpose (documented in json_scan.c). */
static void test_deviations(void **state)
{
    (void)state;
    static const char *const quoted[] = {"{'a':1}", "{\"a\":1,'b':2}", "{'':2}"};
    for (size_t i = 0; i < KT_ARRAY_LEN(quoted); i++) {
        enum json_tokener_error e;
        assert_int_equal(json_check_jsonc((const uint8_t *)quoted[i], strlen(quoted[i]), NULL, &e),
                         1);
        assert_int_equal(kt_json_skip(quoted[i], strlen(quoted[i]), NULL), KT_JSON_INVALID);
    }
}

/* ---- prefixes ----------------------------------------------------------------------------- */

static const char *const valid_docs[] = {
    "{\"request\":{\"method\":\"GET\",\"uri\":\"/a?b=c\",\"headers\":{\"authorization\":"
    "\"Bearer x.y.z\",\"user-agent\":\"curl/8.0\"}},\"response\":{\"status\":200},"
    "\"client_ip\":\"192.0.2.1\",\"started_at\":1761900000123}",
    "{\"a\":[1,-2.5e3,true,false,null,NaN,-Infinity,Infinity,{\"x\":[]},\"s\\u0041\\\"\"]}",
    "{ \"k\" : \"\\ud83d\\ude00\" , \"n\" : -0.0 , \"e\" : { } , \"l\" : [ ] }",
    "[\"\\ud800\\udc00\",1.,-.5,00,\"\\/\"]",
    "\"a string\"",
    "{\"deep\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
};

static void test_prefixes(void **state)
{
    (void)state;
    static const char *const paths[] = {"request.headers.authorization", "a", "deep"};
    struct kt_json_paths *jp = NULL;
    assert_int_equal(kt_json_paths_new(&jp, paths, 3), KT_OK);
    struct kt_json_val slots[3];
    for (size_t d = 0; d < KT_ARRAY_LEN(valid_docs); d++) {
        const char *doc = valid_docs[d];
        size_t len = strlen(doc), end = 0;
        assert_int_equal(kt_json_skip(doc, len, &end), KT_JSON_OK);
        assert_int_equal(end, len);
        for (size_t cut = 0; cut < len; cut++) {
            size_t e1 = 0, e2 = 0;
            /* Copy so that ASan sees any read past the cut. */
            char *pre = malloc(cut ? cut : 1);
            assert_non_null(pre);
            memcpy(pre, doc, cut);
            enum kt_json_status s1 = kt_json_skip(pre, cut, &e1);
            enum kt_json_status s2 = kt_json_extract(jp, pre, cut, slots, &e2);
            if (s1 != KT_JSON_INCOMPLETE || e1 != cut ||
                (doc[0] == '{' && (s2 != KT_JSON_INCOMPLETE || e2 != cut))) {
                print_error("doc %zu cut %zu: skip %d/%zu extract %d/%zu\n", d, cut, s1, e1, s2,
                            e2);
                fail();
            }
            check_or_fail(pre, cut, NULL, "prefix");
            free(pre);
        }
    }
    kt_json_paths_free(jp);
}

/* ---- escapes ------------------------------------------------------------------------------ */

struct esc_case {
    const char *raw;
    const char *want; /* decoded bytes */
    size_t want_len;
};

static const struct esc_case esc_cases[] = {
    {"plain", "plain", 5},
    {"", "", 0},
    {"\\\"\\\\\\/", "\"\\/", 3},
    {"\\b\\f\\n\\r\\t", "\b\f\n\r\t", 5},
    {"\\u0041\\u00e9\\u20AC", "A\xc3\xa9\xe2\x82\xac", 6},
    {"\\u0000", "\0", 1},
    {"a\\u0000b", "a\0b", 3},
    {"\\ud83d\\ude00", "\xf0\x9f\x98\x80", 4},
    {"\\uDBFF\\uDFFF", "\xf4\x8f\xbf\xbf", 4},
    {"\\ud800", "\xef\xbf\xbd", 3},
    {"\\udc00", "\xef\xbf\xbd", 3},
    {"\\ud800x", "\xef\xbf\xbdx", 4},
    {"\\ud800\\u0041",
     "\xef\xbf\xbd"
     "A",
     4},
    {"\\ud800\\ud800", "\xef\xbf\xbd\xef\xbf\xbd", 6},
    {"\\ud800\\ud800\\udc00", "\xef\xbf\xbd\xf0\x90\x80\x80", 7},
    {"\\udc00\\ud800", "\xef\xbf\xbd\xef\xbf\xbd", 6},
    {"\\ud800\\n", "\xef\xbf\xbd\n", 4},
    {"\\ud800\\\\", "\xef\xbf\xbd\\", 4},
    {"\\ud800\\u0000", "\xef\xbf\xbd\0", 4},
    {"\\uFFFF\\uFEFF", "\xef\xbf\xbf\xef\xbb\xbf", 6},
    {"\\u07ff\\u0800", "\xdf\xbf\xe0\xa0\x80", 5},
    {"raw\x01\xff", "raw\x01\xff", 5},
    /* not valid escapes (never captured): copied through, never growing */
    {"\\x", "\\x", 2},
    {"a\\", "a\\", 2},
    {"\\u12", "\\u12", 4},
    {"\\ud800\\u12", "\xef\xbf\xbd\\u12", 7},
};

static void test_unescape(void **state)
{
    (void)state;
    for (size_t i = 0; i < KT_ARRAY_LEN(esc_cases); i++) {
        const struct esc_case *c = &esc_cases[i];
        size_t rl = strlen(c->raw);
        char out[64];
        memset(out, 0x55, sizeof(out));
        size_t n = kt_json_unescape(kt_str_make(c->raw, rl), out);
        if (n != c->want_len || memcmp(out, c->want, n) != 0) {
            print_error("escape case %zu: got %zu bytes, want %zu\n", i, n, c->want_len);
            fail();
        }
        assert_true(n <= rl);
        /* Valid ones: same bytes as json-c, through a captured value. */
        if (i < 22) {
            struct buf doc = {0};
            buf_puts(&doc, "{\"x\":\"");
            buf_puts(&doc, c->raw);
            buf_puts(&doc, "\"}");
            struct json_check_stats st = {0};
            check_or_fail(doc.p, doc.len, &st, "escape");
            assert_int_equal(st.accepted, 1);
            assert_int_equal(st.strings_compared, 1);
            free(doc.p);
        }
    }
    assert_int_equal(kt_json_unescape(KT_STR_NULL, NULL), 0);
}

static void test_str(void **state)
{
    (void)state;
    static const char *const paths[] = {"a", "b", "c", "d"};
    struct kt_json_paths *jp = NULL;
    assert_int_equal(kt_json_paths_new(&jp, paths, 4), KT_OK);
    const char *doc = "{\"a\":\"plain\",\"b\":\"x\\ty\",\"c\":12.5,\"d\":{\"k\":[1]}}";
    struct kt_json_val v[4];
    assert_int_equal(kt_json_extract(jp, doc, strlen(doc), v, NULL), KT_JSON_OK);
    char scratch[64];
    struct kt_str s = kt_json_str(&v[0], scratch);
    assert_true(s.ptr == doc + 6 && s.len == 5); /* zero-copy view */
    assert_false(v[0].escaped);
    assert_true(v[1].escaped);
    s = kt_json_str(&v[1], scratch);
    assert_true(s.ptr == scratch && s.len == 3 && memcmp(s.ptr, "x\ty", 3) == 0);
    s = kt_json_str(&v[2], scratch);
    assert_true(kt_str_eq_cstr(s, "12.5"));
    s = kt_json_str(&v[3], scratch);
    assert_true(kt_str_eq_cstr(s, "{\"k\":[1]}"));
    assert_int_equal(kt_json_str(NULL, scratch).len, 0);
    kt_json_paths_free(jp);
}

/* ---- paths -------------------------------------------------------------------------------- */

static void test_paths_compile(void **state)
{
    (void)state;
    struct kt_json_paths *jp = (struct kt_json_paths *)1;
    static const char *const bad[] = {"", ".", "a.", ".a", "a..b", "a.b."};
    for (size_t i = 0; i < KT_ARRAY_LEN(bad); i++) {
        const char *one[] = {bad[i]};
        assert_int_equal(kt_json_paths_new(&jp, one, 1), KT_EINVAL);
        assert_null(jp);
    }
    const char *nullpath[] = {"a", NULL};
    assert_int_equal(kt_json_paths_new(&jp, nullpath, 2), KT_EINVAL);
    assert_int_equal(kt_json_paths_new(&jp, NULL, 1), KT_EINVAL);
    assert_int_equal(kt_json_paths_new(NULL, nullpath, 1), KT_EINVAL);

    /* Too many paths, too many names, too long a name. */
    const char *many[KT_JSON_MAX_PATHS + 1];
    for (size_t i = 0; i < KT_ARRAY_LEN(many); i++) {
        many[i] = "x";
    }
    assert_int_equal(kt_json_paths_new(&jp, many, KT_JSON_MAX_PATHS + 1), KT_EINVAL);
    assert_int_equal(kt_json_paths_new(&jp, many, KT_JSON_MAX_PATHS), KT_OK);
    assert_int_equal(kt_json_paths_count(jp), KT_JSON_MAX_PATHS);
    kt_json_paths_free(jp);

    struct buf deep = {0};
    for (int i = 0; i < KT_JSON_MAX_DEPTH; i++) {
        buf_puts(&deep, i ? ".k" : "k");
    }
    const char *dp[] = {deep.p};
    assert_int_equal(kt_json_paths_new(&jp, dp, 1), KT_OK);
    kt_json_paths_free(jp);
    buf_puts(&deep, ".k");
    dp[0] = deep.p;
    assert_int_equal(kt_json_paths_new(&jp, dp, 1), KT_EINVAL);
    free(deep.p);

    char longname[300];
    memset(longname, 'n', sizeof(longname));
    longname[255] = '\0';
    const char *lp[] = {longname};
    assert_int_equal(kt_json_paths_new(&jp, lp, 1), KT_OK);
    kt_json_paths_free(jp);
    longname[255] = 'n';
    longname[256] = '\0';
    assert_int_equal(kt_json_paths_new(&jp, lp, 1), KT_EINVAL);

    /* Zero paths: extract only validates. */
    assert_int_equal(kt_json_paths_new(&jp, NULL, 0), KT_OK);
    assert_int_equal(kt_json_paths_count(jp), 0);
    size_t end = 0;
    assert_int_equal(kt_json_extract(jp, "{\"a\":[1]} ", 10, NULL, &end), KT_JSON_OK);
    assert_int_equal(end, 9);
    assert_int_equal(kt_json_extract(jp, "{\"a\":[1,]}", 10, NULL, &end), KT_JSON_INVALID);
    kt_json_paths_free(jp);
    kt_json_paths_free(NULL);
    assert_int_equal(kt_json_paths_count(NULL), 0);
}

struct want {
    enum kt_json_type type;
    const char *text; /* decoded string, or raw text; NULL for none */
};

struct path_case {
    const char *doc;
    enum kt_json_status status;
    struct want w[8]; /* one per path of path_set */
};

static const char *const path_set[] = {
    "request.method",                /* 0 */
    "request.headers.authorization", /* 1 */
    "Request.Headers.User-Agent",    /* 2 */
    "response.status",               /* 3 */
    "client_ip",                     /* 4 */
    "request",                       /* 5: both a leaf and a prefix */
    "CLIENT_IP",                     /* 6: duplicate of 4 */
    "tags",                          /* 7 */
};

#define NONE_                                                                                      \
    {                                                                                              \
        KT_JSON_NONE, NULL                                                                         \
    }
#define S(x)                                                                                       \
    {                                                                                              \
        KT_JSON_STRING, x                                                                          \
    }
#define N(x)                                                                                       \
    {                                                                                              \
        KT_JSON_NUMBER, x                                                                          \
    }

static const struct path_case path_cases[] = {
    /* the plain shape */
    {"{\"request\":{\"method\":\"GET\",\"headers\":{\"authorization\":\"Bearer t\","
     "\"user-agent\":\"ua/1\"}},\"response\":{\"status\":200},\"client_ip\":\"192.0.2.1\","
     "\"tags\":[\"a\"]}",
     KT_JSON_OK,
     {S("GET"),
      S("Bearer t"),
      S("ua/1"),
      N("200"),
      S("192.0.2.1"),
      {KT_JSON_OBJECT, "{\"method\":\"GET\",\"headers\":{\"authorization\":\"Bearer t\","
                       "\"user-agent\":\"ua/1\"}}"},
      S("192.0.2.1"),
      {KT_JSON_ARRAY, "[\"a\"]"}}},
    /* case-insensitive names, whitespace everywhere */
    {" { \"REQUEST\" : { \"Method\" : \"post\" , \"HEADERS\" : { \"Authorization\" : \"A\" } } ,"
     " \"Client_IP\" : null } ",
     KT_JSON_OK,
     {S("post"),
      S("A"),
      NONE_,
      NONE_,
      {KT_JSON_NULL, "null"},
      {KT_JSON_OBJECT, "{ \"Method\" : \"post\" , \"HEADERS\" : { \"Authorization\" : \"A\" } }"},
      {KT_JSON_NULL, "null"},
      NONE_}},
    /* missing paths */
    {"{\"other\":{\"method\":\"GET\"},\"response\":{}}",
     KT_JSON_OK,
     {NONE_, NONE_, NONE_, NONE_, NONE_, NONE_, NONE_, NONE_}},
    /* non-object intermediates capture nothing below them */
    {"{\"request\":\"GET /\",\"response\":[{\"status\":200}],\"client_ip\":true}",
     KT_JSON_OK,
     {NONE_,
      NONE_,
      NONE_,
      NONE_,
      {KT_JSON_TRUE, "true"},
      S("GET /"),
      {KT_JSON_TRUE, "true"},
      NONE_}},
    {"{\"request\":{\"headers\":[{\"authorization\":\"x\"}],\"method\":false}}",
     KT_JSON_OK,
     {{KT_JSON_FALSE, "false"},
      NONE_,
      NONE_,
      NONE_,
      NONE_,
      {KT_JSON_OBJECT, "{\"headers\":[{\"authorization\":\"x\"}],\"method\":false}"},
      NONE_,
      NONE_}},
    /* last occurrence wins, and replaces everything below the earlier one */
    {"{\"client_ip\":\"1\",\"CLIENT_IP\":\"2\",\"request\":{\"method\":\"GET\",\"headers\":"
     "{\"authorization\":\"a1\"}},\"Request\":{\"headers\":{\"user-agent\":\"u2\"}}}",
     KT_JSON_OK,
     {NONE_,
      NONE_,
      S("u2"),
      NONE_,
      S("2"),
      {KT_JSON_OBJECT, "{\"headers\":{\"user-agent\":\"u2\"}}"},
      S("2"),
      NONE_}},
    {"{\"request\":{\"method\":\"GET\"},\"request\":7}",
     KT_JSON_OK,
     {NONE_, NONE_, NONE_, NONE_, NONE_, N("7"), NONE_, NONE_}},
    {"{\"request\":{\"method\":\"A\",\"method\":\"B\",\"headers\":{\"authorization\":\"x\","
     "\"Authorization\":\"y\"}}}",
     KT_JSON_OK,
     {S("B"),
      S("y"),
      NONE_,
      NONE_,
      NONE_,
      {KT_JSON_OBJECT, "{\"method\":\"A\",\"method\":\"B\",\"headers\":{\"authorization\":"
                       "\"x\",\"Authorization\":\"y\"}}"},
      NONE_,
      NONE_}},
    /* escaped member names are decoded before matching; a decoded NUL ends the name */
    {"{\"\\u0063lient_ip\":\"esc\",\"request\":{\"meth\\u006fd\":\"M\",\"method\\u0000x\":\"N\"}}",
     KT_JSON_OK,
     {S("N"),
      NONE_,
      NONE_,
      NONE_,
      S("esc"),
      {KT_JSON_OBJECT, "{\"meth\\u006fd\":\"M\",\"method\\u0000x\":\"N\"}"},
      S("esc"),
      NONE_}},
    /* names that only look alike */
    {"{\"client_ipx\":\"1\",\"client_i\":\"2\",\"client.ip\":\"3\",\"request\":{\"method \":1}}",
     KT_JSON_OK,
     {NONE_, NONE_, NONE_, NONE_, NONE_, {KT_JSON_OBJECT, "{\"method \":1}"}, NONE_, NONE_}},
    /* escaped values keep their raw text; numbers keep theirs */
    {"{\"client_ip\":\"a\\/b\",\"response\":{\"status\":-1.5e2}}",
     KT_JSON_OK,
     {NONE_, NONE_, NONE_, N("-1.5e2"), S("a/b"), NONE_, S("a/b"), NONE_}},
    /* not an object */
    {"[{\"client_ip\":\"x\"}]", KT_JSON_NOT_OBJECT, {NONE_}},
    {" \"client_ip\" ", KT_JSON_NOT_OBJECT, {NONE_}},
    {"42 ", KT_JSON_NOT_OBJECT, {NONE_}},
    /* errors anywhere, also in skipped and captured parts */
    {"{\"client_ip\":\"x\",\"skipped\":[1,2,]}", KT_JSON_INVALID, {NONE_}},
    {"{\"request\":{\"method\":\"GET\",}}", KT_JSON_INVALID, {NONE_}},
    {"{\"request\":{\"method\":\"\\q\"}}", KT_JSON_INVALID, {NONE_}},
    {"{\"request\":{\"method\":01}}", KT_JSON_INVALID, {NONE_}},
    {"{\"request\":{\"method\":\"GET\"}", KT_JSON_INCOMPLETE, {NONE_}},
    {"[1,2", KT_JSON_INCOMPLETE, {NONE_}},
    {"{\"a\":[1,]", KT_JSON_INVALID, {NONE_}},
};

static void test_paths_extract(void **state)
{
    (void)state;
    struct kt_json_paths *jp = NULL;
    assert_int_equal(kt_json_paths_new(&jp, path_set, KT_ARRAY_LEN(path_set)), KT_OK);
    assert_int_equal(kt_json_paths_count(jp), KT_ARRAY_LEN(path_set));
    for (size_t i = 0; i < KT_ARRAY_LEN(path_cases); i++) {
        const struct path_case *c = &path_cases[i];
        struct kt_json_val v[KT_ARRAY_LEN(path_set)];
        memset(v, 0x5a, sizeof(v)); /* every slot must be reset */
        size_t len = strlen(c->doc), end = 0;
        enum kt_json_status st = kt_json_extract(jp, c->doc, len, v, &end);
        if (st != c->status) {
            print_error("path case %zu: status %d, want %d\n", i, st, c->status);
            fail();
        }
        check_or_fail(c->doc, len, NULL, "path case");
        if (st != KT_JSON_OK) {
            continue;
        }
        size_t trail = len;
        while (trail > 0 && c->doc[trail - 1] == ' ') {
            trail--;
        }
        assert_int_equal(end, trail);
        for (size_t k = 0; k < KT_ARRAY_LEN(path_set); k++) {
            char scratch[256];
            const struct want *w = &c->w[k];
            struct kt_str got = kt_json_str(&v[k], scratch);
            bool ok = v[k].type == w->type &&
                      (w->text == NULL ? v[k].raw.len == 0 : kt_str_eq_cstr(got, w->text));
            if (!ok) {
                print_error("path case %zu, path %s: type %d (want %d), value len %zu\n", i,
                            path_set[k], v[k].type, w->type, got.len);
                fail();
            }
        }
    }
    kt_json_paths_free(jp);
}

/* Many paths under one node: exercises the length mask and the child scan. */
static void test_paths_wide(void **state)
{
    (void)state;
    char names[KT_JSON_MAX_PATHS][16];
    const char *paths[KT_JSON_MAX_PATHS];
    for (size_t i = 0; i < KT_JSON_MAX_PATHS; i++) {
        snprintf(names[i], sizeof(names[i]), "%s%zu", i % 2 ? "Obj.F" : "f", i);
        paths[i] = names[i];
    }
    struct kt_json_paths *jp = NULL;
    assert_int_equal(kt_json_paths_new(&jp, paths, KT_JSON_MAX_PATHS), KT_OK);
    struct buf doc = {0};
    buf_puts(&doc, "{\"obj\":{");
    for (size_t i = 1; i < KT_JSON_MAX_PATHS; i += 2) {
        char m[48];
        snprintf(m, sizeof(m), "%s\"f%zu\":%zu", i > 1 ? "," : "", i, i);
        buf_puts(&doc, m);
    }
    buf_puts(&doc, "}");
    for (size_t i = 0; i < KT_JSON_MAX_PATHS; i += 2) {
        char m[48];
        snprintf(m, sizeof(m), ",\"F%zu\":\"v%zu\"", i, i);
        buf_puts(&doc, m);
    }
    buf_puts(&doc, "}");
    struct kt_json_val v[KT_JSON_MAX_PATHS];
    assert_int_equal(kt_json_extract(jp, doc.p, doc.len, v, NULL), KT_JSON_OK);
    for (size_t i = 0; i < KT_JSON_MAX_PATHS; i++) {
        int64_t n;
        char want[16];
        if (i % 2) {
            assert_true(kt_json_int(&v[i], &n));
            assert_int_equal(n, (int64_t)i);
        } else {
            snprintf(want, sizeof(want), "v%zu", i);
            assert_int_equal(v[i].type, KT_JSON_STRING);
            assert_true(kt_str_eq_cstr(v[i].raw, want));
        }
    }
    free(doc.p);
    kt_json_paths_free(jp);
}

/* ---- depth -------------------------------------------------------------------------------- */

/* n nested containers (arrays, or objects {"k":...}), innermost holding inner (may be ""). */
static char *nested(int n, bool objects, const char *inner, size_t *len)
{
    struct buf b = {0};
    for (int i = 0; i < n; i++) {
        buf_puts(&b, objects ? "{\"k\":" : "[");
    }
    if (objects && *inner == '\0') {
        /* an empty innermost object: replace the last "{\"k\":" with "{" */
        b.len -= 4;
        b.p[b.len] = '\0';
    } else {
        buf_puts(&b, inner);
    }
    for (int i = 0; i < n; i++) {
        buf_puts(&b, objects ? "}" : "]");
    }
    *len = b.len;
    return b.p;
}

static int jsonc_depth_ok(const char *s, size_t len, int depth)
{
    struct json_tokener *tok = json_tokener_new_ex(depth);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    struct json_object *o = json_tokener_parse_ex(tok, s, (int)len);
    int ok = o != NULL && json_tokener_get_error(tok) == json_tokener_success;
    json_object_put(o);
    json_tokener_free(tok);
    return ok;
}

static void test_depth(void **state)
{
    (void)state;
    static const char *const kpath[] = {"k.k.k"};
    struct kt_json_paths *jp = NULL;
    assert_int_equal(kt_json_paths_new(&jp, kpath, 1), KT_OK);
    for (int objects = 0; objects <= 1; objects++) {
        for (int n = KT_JSON_MAX_DEPTH - 2; n <= KT_JSON_MAX_DEPTH + 2; n++) {
            for (int scalar = 0; scalar <= 1; scalar++) {
                size_t len, end = 0;
                char *doc = nested(n, objects, scalar ? "1" : "", &len);
                enum kt_json_status want = n <= KT_JSON_MAX_DEPTH ? KT_JSON_OK : KT_JSON_TOO_DEEP;
                assert_int_equal(kt_json_skip(doc, len, &end), want);
                if (want == KT_JSON_OK) {
                    assert_int_equal(end, len);
                }
                if (objects) {
                    struct kt_json_val v;
                    assert_int_equal(kt_json_extract(jp, doc, len, &v, NULL), want);
                    if (want == KT_JSON_OK) {
                        assert_int_equal(v.type, KT_JSON_OBJECT);
                    }
                }
                /* Exact relation to json-c: our limit counts containers; json-c's counts
                 * every value, scalars included. So ours equals json-c with a limit of 64
                 * for an empty innermost container and of 65 around a scalar. */
                int jc = jsonc_depth_ok(doc, len, KT_JSON_MAX_DEPTH + scalar);
                assert_int_equal(jc, want == KT_JSON_OK);
                /* json-c's default (32) rejects all of these: excluded from agreement. */
                struct json_check_stats st = {0};
                check_or_fail(doc, len, &st, "depth");
                assert_int_equal(st.excluded_depth, 1);
                free(doc);
            }
        }
    }
    /* Depth counts what is open at once, not how many containers there are. */
    struct buf wide = {0};
    buf_puts(&wide, "[");
    for (int i = 0; i < 200; i++) {
        size_t len;
        char *d = nested(KT_JSON_MAX_DEPTH - 1, i % 2, "0", &len);
        buf_puts(&wide, i ? "," : "");
        buf_put(&wide, d, len);
        free(d);
    }
    buf_puts(&wide, "]");
    assert_int_equal(kt_json_skip(wide.p, wide.len, NULL), KT_JSON_OK);
    free(wide.p);
    /* Hostile: a megabyte of '[' fails fast with TOO_DEEP, not a stack overflow. */
    size_t big = 1 << 20;
    char *open = malloc(big);
    assert_non_null(open);
    memset(open, '[', big);
    size_t end = 0;
    assert_int_equal(kt_json_skip(open, big, &end), KT_JSON_TOO_DEEP);
    assert_int_equal(end, KT_JSON_MAX_DEPTH);
    open[0] = '{';
    open[1] = '"';
    open[2] = 'k';
    open[3] = '"';
    open[4] = ':';
    struct kt_json_val slot;
    assert_int_equal(kt_json_extract(jp, open, big, &slot, &end), KT_JSON_TOO_DEEP);
    free(open);
    kt_json_paths_free(jp);
}

/* ---- kt_json_int -------------------------------------------------------------------------- */

struct int_case {
    const char *raw;
    bool ok;
    int64_t want;
};

static const struct int_case int_cases[] = {
    {"0", true, 0},
    {"-0", true, 0},
    {"200", true, 200},
    {"1761900000123", true, 1761900000123LL},
    {"-42", true, -42},
    {"00", true, 0},
    {"-01", true, -1},
    {"12.9", true, 12},
    {"-12.9", true, -12},
    {"0.999", true, 0},
    {"-0.5", true, 0},
    {"1.", true, 1},
    {"-.5", true, 0},
    {"1e3", true, 1000},
    {"1.7619e12", true, 1761900000000LL},
    {"1.76190000012345e12", true, 1761900000123LL},
    {"15e-1", true, 1},
    {"-15E-1", true, -1},
    {"123e-5", true, 0},
    {"0e999999999999", true, 0},
    {"1E+2", true, 100},
    {"9223372036854775807", true, INT64_MAX},
    {"-9223372036854775808", true, INT64_MIN},
    {"9223372036854775807.9", true, INT64_MAX},
    {"9223372036854775808", false, 0},
    {"-9223372036854775809", false, 0},
    {"92233720368547758070e-1", true, INT64_MAX},
    {"1e19", false, 0},
    {"1e400", false, 0},
    {"-1e400", false, 0},
    {"1e-400", true, 0},
    {"NaN", false, 0},
    {"Infinity", false, 0},
    {"-Infinity", false, 0},
    {"", false, 0},
    {"-", false, 0},
    {".", false, 0},
    {"1e", false, 0},
    {"1x", false, 0},
    {" 1", false, 0},
};

static void test_int(void **state)
{
    (void)state;
    for (size_t i = 0; i < KT_ARRAY_LEN(int_cases); i++) {
        const struct int_case *c = &int_cases[i];
        struct kt_json_val v = {KT_JSON_NUMBER, false, kt_str_cstr(c->raw)};
        int64_t got = 77;
        bool ok = kt_json_int(&v, &got);
        if (ok != c->ok || (ok && got != c->want)) {
            print_error("int case %zu (%s): ok %d value %lld\n", i, c->raw, ok, (long long)got);
            fail();
        }
    }
    struct kt_json_val s = {KT_JSON_STRING, false, kt_str_cstr("200")};
    int64_t n;
    assert_false(kt_json_int(&s, &n));
    assert_false(kt_json_int(NULL, &n));
    /* Integers json-c holds exactly agree with json_object_get_int64. */
    static const char *const ints[] = {
        "0", "7", "-7", "1761900000123", "-9223372036854775808", "9223372036854775807"};
    for (size_t i = 0; i < KT_ARRAY_LEN(ints); i++) {
        struct json_object *o = json_tokener_parse(ints[i]);
        struct kt_json_val v = {KT_JSON_NUMBER, false, kt_str_cstr(ints[i])};
        assert_true(kt_json_int(&v, &n));
        assert_int_equal(n, json_object_get_int64(o));
        json_object_put(o);
    }
}

/* ---- string scanning ---------------------------------------------------------------------- */

static void test_mask_variants(void **state)
{
    (void)state;
    uint64_t rng = 42;
    char blk[64];
    for (int iter = 0; iter < 100000; iter++) {
        uint64_t ref = 0;
        for (int i = 0; i < 64; i++) {
            uint64_t r = kt_test_rand(&rng);
            static const char special[] = {'"', '\\', '\0', '!', ']', '#', '\x80', '\xdc'};
            blk[i] = (r & 3) == 0 ? special[(r >> 8) % 8] : (char)(r >> 16);
            if (blk[i] == '"' || blk[i] == '\\' || blk[i] == '\0') {
                ref |= 1ULL << i;
            }
        }
        assert_true(kt_json_mask64_scalar(blk) == ref);
#if KT_JSON_HAVE_SSE2
        assert_true(kt_json_mask64_sse2(blk) == ref);
#endif
#if KT_JSON_HAVE_AVX2
        if (kt_json_cpu_avx2()) {
            assert_true(kt_json_mask64_avx2(blk) == ref);
        }
#endif
    }
#if KT_JSON_HAVE_AVX2
    bool avx2 = kt_json_cpu_avx2();
#else
    bool avx2 = false;
#endif
    print_message("stop masks: SSE2 %s, AVX2 %s\n", KT_JSON_HAVE_SSE2 ? "compared" : "not built",
                  avx2 ? "compared" : "not available");
}

/* Reference string scan, byte by byte: status and end offset for body s[0..len). */
static enum kt_json_status ref_string(const char *s, size_t len, size_t *end)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') {
            *end = i + 1;
            return KT_JSON_OK;
        }
        if (s[i] == '\0') {
            *end = i;
            return KT_JSON_INVALID;
        }
        if (s[i] != '\\') {
            continue;
        }
        if (i + 1 == len) {
            *end = len;
            return KT_JSON_INCOMPLETE;
        }
        if (strchr("\"\\/bfnrt", s[i + 1]) != NULL && s[i + 1] != '\0') {
            i++;
            continue;
        }
        if (s[i + 1] != 'u') {
            *end = i;
            return KT_JSON_INVALID;
        }
        for (size_t k = i + 2; k < i + 6; k++) {
            if (k == len) {
                *end = len;
                return KT_JSON_INCOMPLETE;
            }
            if (strchr("0123456789abcdefABCDEF", s[k]) == NULL || s[k] == '\0') {
                *end = i;
                return KT_JSON_INVALID;
            }
        }
        i += 5;
    }
    *end = len;
    return KT_JSON_INCOMPLETE;
}

/* Strings of every length around the 64-byte blocks, at every alignment. */
static void test_string_scan(void **state)
{
    (void)state;
    uint64_t rng = 4242;
    static const char alphabet[] = "ab\"\\u0f/nrtx\x01\x1f\xff";
    char *doc = malloc(2400);
    assert_non_null(doc);
    for (int iter = 0; iter < 100000; iter++) {
        /* Mostly short strings near the start; some long ones across 512-byte windows. */
        bool big = kt_test_rand(&rng) % 4 == 0;
        size_t pad = kt_test_rand(&rng) % (big ? 1100 : 70);
        size_t len = kt_test_rand(&rng) % (big ? 1200 : 200);
        memset(doc, ' ', pad);
        doc[pad] = '"';
        char *body = doc + pad + 1;
        uint64_t density = kt_test_rand(&rng) % 4;
        for (size_t i = 0; i < len; i++) {
            uint64_t k = kt_test_rand(&rng) % 256;
            if (k < 4) {
                body[i] = '\0';
            } else if (k < 4 + 16 * density) {
                body[i] = alphabet[k % (sizeof(alphabet) - 1)];
            } else {
                body[i] = (char)('a' + k % 26);
            }
        }
        size_t want_end = 0, end = 0;
        enum kt_json_status want = ref_string(body, len, &want_end);
        size_t total = pad + 1 + len;
        /* An exact-size copy, so that ASan sees any read past the end. */
        char *exact = malloc(total);
        assert_non_null(exact);
        memcpy(exact, doc, total);
        enum kt_json_status got = kt_json_skip(exact, total, &end);
        free(exact);
        if (got != want || (want != KT_JSON_INCOMPLETE && end != pad + 1 + want_end) ||
            (want == KT_JSON_INCOMPLETE && end != total)) {
            print_error("iter %d: status %d want %d, end %zu want %zu\n", iter, got, want, end,
                        pad + 1 + want_end);
            fail();
        }
    }
    free(doc);
}

/* Strings inside objects, so that consecutive strings share mask words: a member per string
 * length, at every alignment, checked against json-c (captured values included). */
static void test_string_runs(void **state)
{
    (void)state;
    struct json_check_stats st = {0};
    struct buf b = {0};
    uint64_t rng = 99;
    for (size_t shift = 0; shift < 64; shift++) {
        b.len = 0;
        for (size_t i = 0; i < shift; i++) {
            buf_puts(&b, " ");
        }
        buf_puts(&b, "{");
        for (size_t n = 0; n < 140; n++) {
            static const char *const names[] = {"a", "x", "client_ip", "actor", "b"};
            char m[300];
            size_t k = 0;
            for (size_t i = 0; i < n; i++) {
                uint64_t r = kt_test_rand(&rng) % 40;
                if (r == 0) {
                    m[k++] = '\\';
                    m[k++] = '/';
                } else if (r == 1) {
                    memcpy(m + k, "\\u00e9", 6);
                    k += 6;
                } else {
                    m[k++] = (char)('a' + r % 26);
                }
            }
            m[k] = '\0';
            buf_puts(&b, n ? ",\"" : "\"");
            buf_puts(&b, names[n % 5]);
            buf_puts(&b, "\":\"");
            buf_puts(&b, m);
            buf_puts(&b, "\"");
            if (n % 7 == 3) {
                buf_puts(&b, ",\"n\":[1,\"s\",{\"k\":\"v\"}],\"t\":true");
            }
        }
        buf_puts(&b, "}");
        check_or_fail(b.p, b.len, &st, "string runs");
    }
    free(b.p);
    assert_int_equal(st.accepted, 64);
    assert_true(st.strings_compared >= 64 * 4);
}

/* Every number shape next to every possible following byte, inside an array and at the top. */
static void test_number_ends(void **state)
{
    (void)state;
    static const char *const nums[] = {"1",
                                       "12345678",
                                       "123456789",
                                       "1234567890123456",
                                       "12345678901234567",
                                       "0",
                                       "-",
                                       "-0",
                                       "1.5",
                                       "1e",
                                       "00",
                                       "01",
                                       "-01",
                                       "1.",
                                       "NaN",
                                       "-Infinity",
                                       "true"};
    struct json_check_stats st = {0};
    for (size_t i = 0; i < KT_ARRAY_LEN(nums); i++) {
        for (int c = 0; c < 256; c++) {
            char doc[64];
            size_t n = strlen(nums[i]);
            doc[0] = '[';
            memcpy(doc + 1, nums[i], n);
            doc[1 + n] = (char)c;
            doc[2 + n] = ']';
            check_or_fail(doc, n + 3, &st, "number end");
            check_or_fail(doc + 1, n + 1, &st, "top-level number end");
            check_or_fail(doc + 1, n + 2, &st, "top-level number end");
        }
    }
    assert_true(st.accepted > 100);
}

/* ---- agreement with json-c ---------------------------------------------------------------- */

static void check_lines(const char *data, size_t len, struct json_check_stats *st, const char *what)
{
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (data + i)) : len - i;
        check_or_fail(data + i, n, st, what);
        i += n + 1;
    }
}

static void test_agree_fixtures(void **state)
{
    (void)state;
    const char *dir = kt_test_path("tests/fixtures/json");
    char dirpath[4096];
    snprintf(dirpath, sizeof(dirpath), "%s", dir);
    DIR *d = opendir(dirpath);
    assert_non_null(d);
    struct json_check_stats st = {0};
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char path[4096];
        int pn = snprintf(path, sizeof(path), "%s/%s", dirpath, e->d_name);
        assert_true(pn > 0 && (size_t)pn < sizeof(path));
        size_t len = 0;
        char *data = kt_test_slurp(path, &len);
        assert_non_null(data);
        check_or_fail(data, len, &st, e->d_name);
        check_lines(data, len, &st, e->d_name);
        free(data);
        files++;
    }
    closedir(d);
    assert_true(files >= 7);
    /* The record fixtures are all valid; edge_invalid.jsonl is all invalid. */
    print_message("fixtures: %d files, %lu inputs, %lu accepted, %lu rejected, %lu strings "
                  "compared\n",
                  files, st.inputs, st.accepted, st.rejected, st.strings_compared);
    assert_true(st.strings_compared > 25);
}

/* Known values from the record fixtures, through the paths the pipeline uses. */
static void test_fixture_values(void **state)
{
    (void)state;
    static const char *const kong_paths[] = {"client_ip",
                                             "started_at",
                                             "request.method",
                                             "request.uri",
                                             "request.headers.authorization",
                                             "request.headers.user-agent",
                                             "response.status"};
    struct kt_json_paths *jp = NULL;
    assert_int_equal(kt_json_paths_new(&jp, kong_paths, 7), KT_OK);
    size_t len = 0;
    char *data = kt_test_slurp(kt_test_path("tests/fixtures/json/kong.jsonl"), &len);
    assert_non_null(data);
    const char *nl = memchr(data, '\n', len);
    assert_non_null(nl);
    struct kt_json_val v[7];
    size_t end = 0;
    assert_int_equal(kt_json_extract(jp, data, (size_t)(nl - data), v, &end), KT_JSON_OK);
    assert_int_equal(end, (size_t)(nl - data));
    char scratch[512];
    assert_true(kt_str_eq_cstr(kt_json_str(&v[0], scratch), "203.0.113.20"));
    int64_t n;
    assert_true(kt_json_int(&v[1], &n));
    assert_int_equal(n, 1761900000100LL);
    assert_true(kt_str_eq_cstr(kt_json_str(&v[2], scratch), "GET"));
    assert_true(v[3].escaped); /* lua-cjson writes \/ */
    assert_true(kt_str_eq_cstr(kt_json_str(&v[3], scratch), "/v1/charges?limit=10"));
    assert_true(kt_str_has_prefix(kt_json_str(&v[4], scratch), "Bearer sk_test_"));
    assert_true(kt_str_eq_cstr(kt_json_str(&v[5], scratch),
                               "fixture-client/1.0 (+https://example.test/bot)"));
    assert_true(kt_json_int(&v[6], &n));
    assert_int_equal(n, 200);
    free(data);
    kt_json_paths_free(jp);
}

/* Reads a file, gunzipping it when it is gzip; NULL when unreadable. */
static char *slurp_maybe_gz(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    struct buf b = {0};
    char chunk[65536];
    int n;
    while ((n = gzread(f, chunk, sizeof(chunk))) > 0) {
        buf_put(&b, chunk, (size_t)n);
    }
    gzclose(f);
    if (b.p == NULL) {
        buf_put(&b, "", 0);
    }
    *len = b.len;
    return b.p;
}

static void walk_samples(const char *dir, struct json_check_stats *st, int *files)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char path[4096];
        int pn = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (pn < 0 || (size_t)pn >= sizeof(path)) {
            continue;
        }
        struct stat sb;
        if (stat(path, &sb) != 0) {
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            walk_samples(path, st, files);
            continue;
        }
        /* *.json, *.jsonl, and their .gz (and .json.log.gz) forms; other logs that hold JSON
         * lines (first byte '{') are checked too. */
        bool jsonish = strstr(e->d_name, ".json") != NULL;
        bool plain_or_gz = strstr(e->d_name, ".zst") == NULL;
        if (!plain_or_gz) {
            continue;
        }
        size_t len = 0;
        char *data = slurp_maybe_gz(path, &len);
        if (data == NULL) {
            continue;
        }
        if (jsonish || (len > 0 && data[0] == '{')) {
            check_or_fail(data, len, st, e->d_name);
            check_lines(data, len, st, e->d_name);
            (*files)++;
        }
        free(data);
    }
    closedir(d);
}

static void test_agree_samples(void **state)
{
    (void)state;
    struct stat sb;
    const char *dir = kt_test_path("samples");
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        print_message("samples/ not present: skipped\n");
        skip();
    }
    char root[4096];
    snprintf(root, sizeof(root), "%s", dir);
    struct json_check_stats st = {0};
    int files = 0;
    walk_samples(root, &st, &files);
    print_message("samples: %d files, %lu inputs, %lu accepted, %lu rejected, %lu strings "
                  "compared, %lu ambiguous\n",
                  files, st.inputs, st.accepted, st.rejected, st.strings_compared, st.ambiguous);
}

/* -- generated documents -- */

static const char *const gen_names[] = {
    "a",
    "A",
    "b",
    "x",
    "request",
    "Request",
    "method",
    "headers",
    "authorization",
    "Authorization",
    "user-agent",
    "response",
    "status",
    "client_ip",
    "started_at",
    "actor",
    "hashed_token",
    "userIdentity",
    "accessKeyId",
    "c",
    "",
    "a\\u0000z",
    "\\u0061",
    "re\\u0071uest",
    "k\\\"q",
    "\\ud800",
};

static const char *const gen_numbers[] = {
    "0",
    "-0",
    "1",
    "-1",
    "200",
    "1761900000123",
    "00",
    "-01",
    "1.",
    "-.5",
    "1.5",
    "1e5",
    "1E+2",
    "2e-3",
    "1.e5",
    "00.5",
    "1e400",
    "18446744073709551616",
    "-9223372036854775809",
    "NaN",
    "Infinity",
    "-Infinity",
    "0.0001",
};

static const char *const gen_strings[] = {
    "",
    "GET",
    "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig",
    "192.0.2.1",
    "\\/v1\\/x?a=b\\u0026c=d",
    "\\\"q\\\"",
    "\\\\",
    "\\ud83d\\ude00",
    "\\ud800",
    "\\udc00\\ud800",
    "\\ud800\\u0041",
    "\\u0000",
    "tab\there",
    "\x01\x1f\x7f",
    "\xff\xfe\xc3\x28",
    "\\b\\f\\n\\r\\t",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari",
    "0123456789abcdef0123456789abcdef",
    "\\u00e9\\u20ac",
    "'single'",
};

static void gen_ws(struct buf *b, uint64_t *rng)
{
    uint64_t r = kt_test_rand(rng) % 16;
    if (r < 12) {
        return;
    }
    static const char *const ws[] = {" ", "\t", "\r\n", "  \n "};
    buf_puts(b, ws[r - 12]);
}

static void gen_value(struct buf *b, uint64_t *rng, int depth)
{
    uint64_t r = kt_test_rand(rng) % 100;
    if (depth > 6) {
        r = 50 + r / 2; /* scalars only */
    }
    gen_ws(b, rng);
    if (r < 30) {
        int n = (int)(kt_test_rand(rng) % 6);
        buf_puts(b, "{");
        for (int i = 0; i < n; i++) {
            gen_ws(b, rng);
            buf_puts(b, i ? "," : "");
            gen_ws(b, rng);
            buf_puts(b, "\"");
            buf_puts(b, gen_names[kt_test_rand(rng) % KT_ARRAY_LEN(gen_names)]);
            buf_puts(b, "\"");
            gen_ws(b, rng);
            buf_puts(b, ":");
            gen_value(b, rng, depth + 1);
        }
        gen_ws(b, rng);
        buf_puts(b, "}");
    } else if (r < 45) {
        int n = (int)(kt_test_rand(rng) % 5);
        buf_puts(b, "[");
        for (int i = 0; i < n; i++) {
            buf_puts(b, i ? "," : "");
            gen_value(b, rng, depth + 1);
        }
        gen_ws(b, rng);
        buf_puts(b, "]");
    } else if (r < 75) {
        buf_puts(b, "\"");
        int parts = 1 + (int)(kt_test_rand(rng) % 3);
        for (int i = 0; i < parts; i++) {
            buf_puts(b, gen_strings[kt_test_rand(rng) % KT_ARRAY_LEN(gen_strings)]);
        }
        buf_puts(b, "\"");
    } else if (r < 90) {
        buf_puts(b, gen_numbers[kt_test_rand(rng) % KT_ARRAY_LEN(gen_numbers)]);
    } else {
        static const char *const lits[] = {"true", "false", "null"};
        buf_puts(b, lits[kt_test_rand(rng) % 3]);
    }
    gen_ws(b, rng);
}

/* A generated record: an object whose members often use the harness's path names. */
static void gen_record(struct buf *b, uint64_t *rng)
{
    b->len = 0;
    if (kt_test_rand(rng) % 10 == 0) {
        gen_value(b, rng, 0);
        buf_puts(b, "\n"); /* json-c needs a byte after a top-level number or literal */
        return;
    }
    buf_puts(b, "{");
    int n = 1 + (int)(kt_test_rand(rng) % 8);
    for (int i = 0; i < n; i++) {
        buf_puts(b, i ? "," : "");
        buf_puts(b, "\"");
        buf_puts(b, gen_names[kt_test_rand(rng) % KT_ARRAY_LEN(gen_names)]);
        buf_puts(b, "\":");
        gen_value(b, rng, 1);
    }
    buf_puts(b, "}");
}

static void mutate(struct buf *b, uint64_t *rng)
{
    static const char interesting[] = "\"\\{}[],: 0-.eEu'\x01\xff"
                                      "ntfINx/";
    int edits = 1 + (int)(kt_test_rand(rng) % 3);
    for (int k = 0; k < edits && b->len > 0; k++) {
        size_t at = kt_test_rand(rng) % b->len;
        uint64_t r = kt_test_rand(rng) % 10;
        char c = r == 9 ? '\0' : interesting[kt_test_rand(rng) % (sizeof(interesting) - 1)];
        if (r < 4) {
            b->p[at] = c; /* replace */
        } else if (r < 6) {
            memmove(b->p + at, b->p + at + 1, b->len - at - 1); /* delete */
            b->len--;
        } else if (r < 8) {
            buf_put(b, " ", 1); /* make room, then insert */
            memmove(b->p + at + 1, b->p + at, b->len - at - 1);
            b->p[at] = c;
        } else {
            b->len = at; /* truncate */
        }
    }
}

static void test_agree_generated(void **state)
{
    (void)state;
    uint64_t rng = 0x6b657974726169ULL;
    struct json_check_stats st = {0}, mst = {0};
    struct buf b = {0};
    for (int i = 0; i < 30000; i++) {
        gen_record(&b, &rng);
        check_or_fail(b.p, b.len, &st, "generated");
        for (int m = 0; m < 3; m++) {
            mutate(&b, &rng);
            check_or_fail(b.p, b.len, &mst, "mutated");
        }
    }
    free(b.p);
    print_message("generated: %lu inputs, %lu accepted, %lu rejected; %lu values and %lu strings "
                  "compared, %lu ambiguous\n",
                  st.inputs, st.accepted, st.rejected, st.values_compared, st.strings_compared,
                  st.ambiguous);
    print_message("mutated: %lu inputs, %lu accepted, %lu rejected (%lu incomplete), "
                  "%lu excluded (single quotes), %lu strings compared\n",
                  mst.inputs, mst.accepted, mst.rejected, mst.incomplete, mst.excluded_quote,
                  mst.strings_compared);
    /* The generator only writes valid JSON (depth <= 8 < 32): json-c must accept it all. */
    assert_int_equal(st.accepted, st.inputs);
    assert_true(st.strings_compared > 10000);
    assert_true(mst.accepted > 1000 && mst.rejected > 10000 && mst.incomplete > 1000);
}

/* Random bytes from a JSON-ish alphabet: mostly invalid, exercises every error path. */
static void test_agree_random_bytes(void **state)
{
    (void)state;
    static const char alpha[] = "{}[]\",:  0123456789-+.eEtrufalsnNIiy\\u/'\t\n\r\x01\xff";
    uint64_t rng = 7;
    struct json_check_stats st = {0};
    char buf[64];
    for (int i = 0; i < 200000; i++) {
        size_t len = kt_test_rand(&rng) % sizeof(buf);
        for (size_t k = 0; k < len; k++) {
            buf[k] = alpha[kt_test_rand(&rng) % (sizeof(alpha) - 1)];
        }
        if (len > 0 && kt_test_rand(&rng) % 2) {
            buf[0] = kt_test_rand(&rng) % 2 ? '{' : '[';
        }
        check_or_fail(buf, len, &st, "random bytes");
    }
    print_message("random bytes: %lu inputs, %lu accepted, %lu rejected (%lu incomplete)\n",
                  st.inputs, st.accepted, st.rejected, st.incomplete);
    assert_true(st.accepted > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skip_table),
        cmocka_unit_test(test_deviations),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_unescape),
        cmocka_unit_test(test_str),
        cmocka_unit_test(test_paths_compile),
        cmocka_unit_test(test_paths_extract),
        cmocka_unit_test(test_paths_wide),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_mask_variants),
        cmocka_unit_test(test_string_scan),
        cmocka_unit_test(test_string_runs),
        cmocka_unit_test(test_number_ends),
        cmocka_unit_test(test_agree_fixtures),
        cmocka_unit_test(test_fixture_values),
        cmocka_unit_test(test_agree_samples),
        cmocka_unit_test(test_agree_generated),
        cmocka_unit_test(test_agree_random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
