/*
 * Record splitting: lines and JSON streams, checked against expected transcripts and re-run
 * with the source delivering 1, 2, 3, 7 and random bytes per read, so every record boundary
 * falls at every buffer position. Bad records in every JSON layout cost only themselves; records
 * carry their index and byte offset; the buffer grows only as records need.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "json_scan.h"
#include "splitter.h"

/* Runs the splitter over data and writes a transcript: "L<line>:<text>|" per record,
 * "O<line>|" oversize, "B<line>|" invalid JSON, "T<line>|" truncated JSON, "M<line>|" a
 * misplaced value (no ',' before it). Checks that indexes count records 1, 2, 3... and that
 * offsets point at each record's first byte. */
static void transcript(const char *data, size_t len, enum kt_split_mode mode, size_t read_size,
                       size_t max_record, char *out, size_t cap)
{
    char *path = kt_test_tmpfile(data, len);
    assert_non_null(path);
    struct kt_source_opts so = { .read_size = read_size };
    struct kt_source *src;
    struct kt_err err;
    assert_int_equal(kt_source_open(&src, path, &so, &err), KT_OK);
    struct kt_splitter *sp;
    assert_int_equal(kt_splitter_new(&sp, src, max_record, &err), KT_OK);
    struct kt_str prefix;
    assert_int_equal(kt_splitter_peek(sp, &prefix, &err), KT_OK);
    kt_splitter_set_mode(sp, mode);
    size_t o = 0;
    out[0] = '\0';
    uint64_t index = 0;
    for (int guard = 0; guard < 100000; guard++) {
        struct kt_record rec;
        enum kt_rc rc = kt_splitter_next(sp, &rec, &err);
        if (rc == KT_END) {
            break;
        }
        assert_int_equal(rc, KT_OK);
        if (rec.index != index) {
            assert_int_equal(rec.index, index + 1); /* a new record, or an open one again */
            index = rec.index;
        }
        assert_true(rec.offset < len);
        if (rec.text.len > 0) {
            assert_memory_equal(data + rec.offset, rec.text.ptr, 1);
        }
        int n;
        if (rec.misplaced) {
            n = snprintf(out + o, cap - o, "M%llu|", (unsigned long long)rec.line);
        } else if (rec.oversize) {
            n = snprintf(out + o, cap - o, "O%llu|", (unsigned long long)rec.line);
        } else if (!rec.open) {
            n = snprintf(out + o, cap - o, "L%llu:%.*s|", (unsigned long long)rec.line,
                         (int)rec.text.len, rec.text.ptr);
        } else {
            size_t used;
            enum kt_json_status js = kt_json_skip(rec.text.ptr, rec.text.len, &used);
            if (js == KT_JSON_INCOMPLETE && !rec.at_eof) {
                kt_splitter_need_more(sp);
                continue;
            }
            if (js == KT_JSON_OK) {
                n = snprintf(out + o, cap - o, "L%llu:%.*s|", (unsigned long long)rec.line,
                             (int)used, rec.text.ptr);
                kt_splitter_advance(sp, used);
            } else {
                n = snprintf(out + o, cap - o, "%c%llu|",
                             js == KT_JSON_INCOMPLETE ? 'T' : 'B', (unsigned long long)rec.line);
                kt_splitter_skip_bad(sp);
            }
        }
        assert_true(n > 0 && (size_t)n < cap - o);
        o += (size_t)n;
    }
    kt_splitter_free(sp);
    kt_source_free(src);
    unlink(path);
    free(path);
}

/* The transcript must not depend on how the bytes arrive. */
static void check_all_chunkings(const char *data, enum kt_split_mode mode, size_t max_record,
                                const char *expected)
{
    static char got[1 << 16];
    const size_t sizes[] = { 4096, 1, 2, 3, 7, 64 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        transcript(data, strlen(data), mode, sizes[i], max_record, got, sizeof(got));
        if (strcmp(got, expected) != 0) {
            fail_msg("read size %zu:\n got: %s\nwant: %s", sizes[i], got, expected);
        }
    }
}

static void test_lines_basic(void **state)
{
    (void)state;
    check_all_chunkings("alpha\nbeta\r\n\n\r\ngamma", KT_SPLIT_LINES, 0,
                        "L1:alpha|L2:beta|L5:gamma|");
    check_all_chunkings("", KT_SPLIT_LINES, 0, "");
    check_all_chunkings("\n\n\n", KT_SPLIT_LINES, 0, "");
    check_all_chunkings("one\n", KT_SPLIT_LINES, 0, "L1:one|");
}

static void test_lines_oversize(void **state)
{
    (void)state;
    char data[4200];
    char big[2000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    snprintf(data, sizeof(data), "a\n%s\nb\n%s", big, big);
    /* Both long lines are skipped, the second one at the end of input without a newline. */
    check_all_chunkings(data, KT_SPLIT_LINES, 300, "L1:a|O2|L3:b|O4|");
}

static void test_lines_random_chunks(void **state)
{
    (void)state;
    /* 2000 lines of varying length, some blank, rebuilt from the transcript. */
    uint64_t rng = 7;
    size_t cap = 1 << 20, len = 0;
    char *data = malloc(cap);
    char *want = malloc(cap * 2);
    size_t wl = 0;
    for (int i = 1; i <= 2000; i++) {
        size_t n = kt_test_rand(&rng) % 120;
        if (n == 0) {
            data[len++] = '\n';
            continue;
        }
        wl += (size_t)snprintf(want + wl, cap * 2 - wl, "L%d:", i);
        for (size_t k = 0; k < n; k++) {
            char c = (char)('a' + kt_test_rand(&rng) % 26);
            data[len++] = c;
            want[wl++] = c;
        }
        want[wl++] = '|';
        data[len++] = '\n';
    }
    data[len] = '\0';
    want[wl] = '\0';
    char *got = malloc(cap * 2);
    for (int round = 0; round < 8; round++) {
        size_t rs = 1 + kt_test_rand(&rng) % 700;
        transcript(data, len, KT_SPLIT_LINES, rs, 256, got, cap * 2);
        assert_string_equal(got, want);
    }
    free(got);
    free(want);
    free(data);
}

static void test_json_wrapper(void **state)
{
    (void)state;
    check_all_chunkings("{\"Records\":[{\"a\":1},{\"b\":\"x\\\"}]\"}]}", KT_SPLIT_JSON, 0,
                        "L1:{\"a\":1}|L1:{\"b\":\"x\\\"}]\"}|");
    /* Pretty-printed, with whitespace everywhere, then a second wrapper (cat of two files). */
    check_all_chunkings("{ \"Records\" :\n [\n  {\"a\":1} ,\n  {\"b\":2}\n ]\n}\n"
                        "{\"Records\":[]}\n{\"Records\":[{\"c\":3}]}",
                        KT_SPLIT_JSON, 0, "L3:{\"a\":1}|L4:{\"b\":2}|L8:{\"c\":3}|");
}

static void test_json_array_and_stream(void **state)
{
    (void)state;
    check_all_chunkings("[\n{\"a\":1},\n{\"b\":[1,2]}\n]\n", KT_SPLIT_JSON, 0,
                        "L2:{\"a\":1}|L3:{\"b\":[1,2]}|");
    check_all_chunkings("[]", KT_SPLIT_JSON, 0, "");
    check_all_chunkings("{\n  \"a\": 1\n}\n{\n  \"b\": 2\n}\n", KT_SPLIT_JSON, 0,
                        "L1:{\n  \"a\": 1\n}|L4:{\n  \"b\": 2\n}|");
    /* A top-level object whose first member is not Records is a record itself. */
    check_all_chunkings("{\"Recordz\":[1]}", KT_SPLIT_JSON, 0, "L1:{\"Recordz\":[1]}|");
}

static void test_json_bad_and_truncated(void **state)
{
    (void)state;
    /* An invalid value at the top level: carry on at the next value. */
    check_all_chunkings("{\"a\":tru}\n{\"b\":1}\n", KT_SPLIT_JSON, 0, "B1|L2:{\"b\":1}|");
    check_all_chunkings("{\"a\":tru}{\"b\":1}", KT_SPLIT_JSON, 0, "B1|L1:{\"b\":1}|");
    /* Truncated inside the wrapper: the records before the cut survive. */
    check_all_chunkings("{\"Records\":[{\"a\":1},{\"b\":\"cut", KT_SPLIT_JSON, 0,
                        "L1:{\"a\":1}|T1|");
}

/* One bad record in a one-line array costs that record only, wherever it is. */
static void test_json_bad_in_array(void **state)
{
    (void)state;
    static const struct {
        const char *data, *want;
    } cases[] = {
        /* an invalid literal, first, in the middle, last */
        { "{\"Records\":[{\"a\":tru},{\"b\":2},{\"c\":3}]}", "B1|L1:{\"b\":2}|L1:{\"c\":3}|" },
        { "{\"Records\":[{\"a\":1},{\"b\":tru},{\"c\":3}]}", "L1:{\"a\":1}|B1|L1:{\"c\":3}|" },
        { "{\"Records\":[{\"a\":1},{\"b\":2},{\"c\":tru}]}", "L1:{\"a\":1}|L1:{\"b\":2}|B1|" },
        /* brackets and commas inside the bad record's strings do not end it early */
        { "[{\"a\":\"],{\\\"x\",\"b\":tru},{\"c\":3}]", "B1|L1:{\"c\":3}|" },
        /* a lost quote: string parity is repaired at the next letter outside a string */
        { "[{\"a\":\"x,\"b\":1},{\"c\":3}]", "B1|L1:{\"c\":3}|" },
        /* a lost closing brace: ",{" cannot be inside an object */
        { "[{\"k\":1,{\"k\":2},{\"k\":3}]", "B1|L1:{\"k\":2}|L1:{\"k\":3}|" },
        /* a lost opening brace of a nested object: its ':' reopens one */
        { "[{\"k\":1,\"u\":\"t\":1},\"e\":2},{\"k\":3}]", "B1|L1:{\"k\":3}|" },
        /* a nested array that lost its ']' */
        { "[{\"k\":[1,2},{\"k\":3}]", "B1|L1:{\"k\":3}|" },
        /* the nesting thrown off for good: the next object that starts like the bad one */
        { "[{\"k\":[[[1},{\"k\":3},{\"k\":4}]", "B1|L1:{\"k\":3}|L1:{\"k\":4}|" },
        /* pretty-printed */
        { "[\n  {\n    \"a\": tru\n  },\n  {\n    \"b\": 2\n  }\n]\n",
          "B2|L5:{\n    \"b\": 2\n  }|" },
        /* a missing comma: the value after it is skipped as one misplaced record */
        { "[{\"a\":1}{\"b\":2},{\"c\":3}]", "L1:{\"a\":1}|M1|L1:{\"c\":3}|" },
        { "[{\"a\":1},{\"b\":2}\n{\"c\":3}]", "L1:{\"a\":1}|L1:{\"b\":2}|M2|" },
        /* a stray closer between elements */
        { "[{\"a\":1}},{\"b\":2}]", "L1:{\"a\":1}|M1|L1:{\"b\":2}|" },
        /* more wrapper members after Records are not records */
        { "{\"Records\":[{\"a\":1}],\"x\":{\"y\":[2]}}{\"Records\":[{\"b\":2}]}",
          "L1:{\"a\":1}|L1:{\"b\":2}|" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        check_all_chunkings(cases[i].data, KT_SPLIT_JSON, 0, cases[i].want);
    }
}

/* A bad value whose structure never closes is bounded by max_record, then the scan looks for
 * the next element from where it is. */
static void test_json_bad_bounded(void **state)
{
    (void)state;
    char data[4096];
    char pad[1500];
    memset(pad, ' ', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    /* Three objects open and only one closes, and the next records do not start like the bad
     * one: past 512 bytes the scan forgets the nesting and takes the next "},{". */
    snprintf(data, sizeof(data), "[{\"a\":tru,\"p\":{\"q\":{%s1},{\"b\":2},{\"c\":3}]", pad);
    check_all_chunkings(data, KT_SPLIT_JSON, 512, "B1|L1:{\"b\":2}|L1:{\"c\":3}|");
    /* Without the bound (a cap larger than the file) the same damage swallows the rest. */
    check_all_chunkings(data, KT_SPLIT_JSON, 1 << 20, "B1|");
}

static void test_record_index_and_offset(void **state)
{
    (void)state;
    const char *data = "{\"Records\":[{\"a\":1},{\"b\":tru},{\"c\":3}]}";
    char *path = kt_test_tmpfile(data, strlen(data));
    struct kt_source *src;
    struct kt_err err;
    assert_int_equal(kt_source_open(&src, path, NULL, &err), KT_OK);
    struct kt_splitter *sp;
    assert_int_equal(kt_splitter_new(&sp, src, 0, &err), KT_OK);
    struct kt_str prefix;
    assert_int_equal(kt_splitter_peek(sp, &prefix, &err), KT_OK);
    kt_splitter_set_mode(sp, KT_SPLIT_JSON);
    struct kt_record rec;
    assert_int_equal(kt_splitter_next(sp, &rec, &err), KT_OK);
    assert_int_equal(rec.index, 1);
    assert_int_equal(rec.offset, 12);
    kt_splitter_advance(sp, 7);
    assert_int_equal(kt_splitter_next(sp, &rec, &err), KT_OK);
    assert_int_equal(rec.index, 2);
    assert_int_equal(rec.offset, 20);
    kt_splitter_skip_bad(sp);
    assert_int_equal(kt_splitter_next(sp, &rec, &err), KT_OK);
    assert_int_equal(rec.index, 3);
    assert_int_equal(rec.offset, 30);
    assert_int_equal(rec.line, 1);
    kt_splitter_advance(sp, 7);
    assert_int_equal(kt_splitter_next(sp, &rec, &err), KT_END);
    kt_splitter_free(sp);
    kt_source_free(src);
    unlink(path);
    free(path);
}

/* A huge record cap costs nothing until a record needs it; records longer than the first
 * buffer but under the cap still come out whole, in both modes. */
static void test_buffer_grows_on_demand(void **state)
{
    (void)state;
    const size_t big = 3u << 20; /* 3 MiB: over the initial 64 KiB + 1 MiB */
    char *data = malloc(big + 64);
    size_t len = (size_t)snprintf(data, 64, "a\n{\"s\":\"");
    memset(data + len, 'z', big);
    len += big;
    len += (size_t)snprintf(data + len, 64, "\"}\nb\n");
    char *path = kt_test_tmpfile(data, len);
    for (int mode = 0; mode < 2; mode++) {
        struct kt_source *src;
        struct kt_err err;
        assert_int_equal(kt_source_open(&src, path, NULL, &err), KT_OK);
        struct kt_splitter *sp;
        assert_int_equal(kt_splitter_new(&sp, src, (size_t)1 << 30, &err), KT_OK);
        size_t initial = kt_splitter_capacity(sp);
        assert_true(initial <= (64u << 10) + (1u << 20));
        struct kt_str prefix;
        assert_int_equal(kt_splitter_peek(sp, &prefix, &err), KT_OK);
        kt_splitter_set_mode(sp, mode == 0 ? KT_SPLIT_LINES : KT_SPLIT_JSON);
        struct kt_record rec;
        size_t longest = 0;
        int records = 0;
        while (kt_splitter_next(sp, &rec, &err) == KT_OK) {
            if (rec.open) {
                size_t used;
                enum kt_json_status js = kt_json_skip(rec.text.ptr, rec.text.len, &used);
                if (js == KT_JSON_INCOMPLETE && !rec.at_eof) {
                    kt_splitter_need_more(sp);
                    continue;
                }
                if (js != KT_JSON_OK) {
                    kt_splitter_skip_bad(sp); /* the bare a and b of the json run */
                    continue;
                }
                kt_splitter_advance(sp, used);
                longest = KT_MAX(longest, used);
            } else {
                longest = KT_MAX(longest, rec.text.len);
            }
            assert_false(rec.oversize);
            records++;
        }
        assert_int_equal(longest, big + 8);
        assert_int_equal(records, mode == 0 ? 3 : 1);
        /* Doubling: at most twice what the record needed, never the whole cap. */
        assert_true(kt_splitter_capacity(sp) > big);
        assert_true(kt_splitter_capacity(sp) <= 2 * (big + (1u << 20)));
        kt_splitter_free(sp);
        kt_source_free(src);
    }
    unlink(path);
    free(path);
    free(data);
}

/* Damage met before any record: kt_splitter_take_damage hands it out once. */
static void test_take_damage(void **state)
{
    (void)state;
    static const unsigned char gz_head[] = { 0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 0x4b };
    char *path = kt_test_tmpfile(gz_head, sizeof(gz_head));
    struct kt_source *src;
    struct kt_err err;
    assert_int_equal(kt_source_open(&src, path, NULL, &err), KT_OK);
    struct kt_splitter *sp;
    assert_int_equal(kt_splitter_new(&sp, src, 0, &err), KT_OK);
    struct kt_str prefix;
    enum kt_rc rc = kt_splitter_peek(sp, &prefix, &err);
    if (rc == KT_OK) {
        assert_int_equal(kt_splitter_take_damage(sp, &err), KT_ETRUNCATED);
    } else {
        assert_int_equal(rc, KT_ETRUNCATED);
    }
    assert_int_equal(kt_splitter_take_damage(sp, &err), KT_OK);
    kt_splitter_free(sp);
    kt_source_free(src);
    unlink(path);
    free(path);
}

static void test_json_oversize_value(void **state)
{
    (void)state;
    char data[8200];
    char big[3000];
    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    snprintf(data, sizeof(data), "{\"Records\":[{\"a\":1},{\"s\":\"%s\",\"t\":[{\"u\":\"]}\"}]},"
                                 "{\"b\":2}]}",
             big);
    check_all_chunkings(data, KT_SPLIT_JSON, 512, "L1:{\"a\":1}|O1|L1:{\"b\":2}|");
}

static void test_peek_gives_first_line(void **state)
{
    (void)state;
    const char *data = "first line\nsecond\n";
    char *path = kt_test_tmpfile(data, strlen(data));
    struct kt_source_opts so = { .read_size = 1 };
    struct kt_source *src;
    struct kt_err err;
    assert_int_equal(kt_source_open(&src, path, &so, &err), KT_OK);
    struct kt_splitter *sp;
    assert_int_equal(kt_splitter_new(&sp, src, 0, &err), KT_OK);
    struct kt_str prefix;
    assert_int_equal(kt_splitter_peek(sp, &prefix, &err), KT_OK);
    assert_true(prefix.len >= strlen("first line\n"));
    assert_memory_equal(prefix.ptr, "first line\n", strlen("first line\n"));
    kt_splitter_free(sp);
    kt_source_free(src);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_basic),
        cmocka_unit_test(test_lines_oversize),
        cmocka_unit_test(test_lines_random_chunks),
        cmocka_unit_test(test_json_wrapper),
        cmocka_unit_test(test_json_array_and_stream),
        cmocka_unit_test(test_json_bad_and_truncated),
        cmocka_unit_test(test_json_bad_in_array),
        cmocka_unit_test(test_json_bad_bounded),
        cmocka_unit_test(test_record_index_and_offset),
        cmocka_unit_test(test_buffer_grows_on_demand),
        cmocka_unit_test(test_take_damage),
        cmocka_unit_test(test_json_oversize_value),
        cmocka_unit_test(test_peek_gives_first_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
