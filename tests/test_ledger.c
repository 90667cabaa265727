/*
 * The ledger of consumed inputs (ledger.c) with the splitter's held-back last line: a file
 * read once is skipped unchanged; a grown file is read from where the last read stopped, a
 * line still being written waits for its newline; a renamed file is still known; the same
 * content compressed by logrotate is recognised by content and only its unread tail is read;
 * changed content with the same name is read whole; --reprocess reads everything; entries
 * survive serialisation and malformed ones are refused.
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ledger.h"
#include "splitter.h"

struct fixture {
    char dir[64];
    struct kt_ledger *lg;
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/kt-ledger-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    assert_int_equal(kt_ledger_new(&fx->lg), KT_OK);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
    assert_int_equal(system(cmd), 0);
    kt_ledger_free(fx->lg);
    free(fx);
    return 0;
}

/* The path of name in the test directory (eight buffers in turn, so a few can be held). */
static const char *at(struct fixture *fx, const char *name)
{
    static char paths[8][128];
    static unsigned next;
    char *path = paths[next++ % 8];
    snprintf(path, sizeof(paths[0]), "%s/%s", fx->dir, name);
    return path;
}

static void write_file(const char *path, const char *mode, const char *text)
{
    FILE *f = fopen(path, mode);
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void gzip_file(const char *from, const char *to)
{
    size_t len;
    char *data = kt_test_slurp(from, &len);
    assert_non_null(data);
    gzFile gz = gzopen(to, "wb");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
    gzclose(gz);
    free(data);
}

static enum kt_rc read_source(void *ctx, void *buf, size_t cap, size_t *n, struct kt_err *err)
{
    return kt_source_read(ctx, buf, cap, n, err);
}

static uint64_t last_line; /* line number of the last record read_through saw */

/* Reads path through the ledger as the pipeline does; returns the lines read (-1: skipped)
 * and their text joined by '|' into seen. */
static int read_through(struct fixture *fx, const char *path, bool reprocess, char *seen,
                        size_t cap)
{
    struct kt_source *src;
    struct kt_ledger_input *in;
    uint64_t base;
    const char *why;
    struct kt_err err;
    assert_int_equal(kt_ledger_open(fx->lg, path, NULL, reprocess, &src, &in, &base, &why, &err),
                     KT_OK);
    seen[0] = '\0';
    if (src == NULL) {
        assert_non_null(why);
        return -1;
    }
    assert_non_null(in);
    struct kt_splitter *sp;
    assert_int_equal(kt_splitter_new(&sp, src, 0, &err), KT_OK);
    kt_ledger_input_tap(in, read_source, src);
    kt_splitter_set_reader(sp, kt_ledger_read, in);
    kt_splitter_set_line(sp, kt_ledger_input_first_line(in));
    if (kt_ledger_input_hold_partial(in)) {
        kt_splitter_hold_partial(sp);
    }
    struct kt_str prefix;
    assert_int_equal(kt_splitter_peek(sp, &prefix, &err), KT_OK);
    int lines = 0;
    struct kt_record rec;
    last_line = 0;
    while (kt_splitter_next(sp, &rec, &err) == KT_OK) {
        last_line = rec.line;
        size_t used = strlen(seen);
        snprintf(seen + used, cap - used, "%s%.*s", lines ? "|" : "", (int)rec.text.len,
                 rec.text.ptr);
        lines++;
    }
    kt_ledger_input_set_line(in, kt_splitter_line(sp));
    assert_int_equal(kt_ledger_input_done(in, base + kt_splitter_consumed(sp), KT_LEDGER_LINES,
                                          true),
                     KT_OK);
    kt_splitter_free(sp);
    kt_source_free(src);
    return lines;
}

static void test_growing_file_read_once(void **state)
{
    struct fixture *fx = *state;
    char seen[4096];
    const char *log = at(fx, "access.log");
    write_file(log, "w", "one\ntwo\nthree\n");
    assert_int_equal(read_through(fx, log, false, seen, sizeof(seen)), 3);
    assert_int_equal(kt_ledger_count(fx->lg), 1);
    /* Unchanged: skipped without reading. */
    assert_int_equal(read_through(fx, log, false, seen, sizeof(seen)), -1);
    /* Grown, with a line still being written: only the complete new lines. */
    write_file(log, "a", "four\nfive\nsi");
    assert_int_equal(read_through(fx, log, false, seen, sizeof(seen)), 2);
    assert_string_equal(seen, "four|five");
    assert_int_equal(kt_ledger_count(fx->lg), 1);
    assert_int_equal(kt_ledger_at(fx->lg, 0)->consumed, strlen("one\ntwo\nthree\nfour\nfive\n"));
    /* The line ends: it is read whole, once. */
    write_file(log, "a", "x\nseven\n");
    assert_int_equal(read_through(fx, log, false, seen, sizeof(seen)), 2);
    assert_string_equal(seen, "six|seven");
    assert_int_equal(last_line, 7); /* the file's own line numbers, not the read's */
    /* --reprocess reads it all again. */
    assert_int_equal(read_through(fx, log, true, seen, sizeof(seen)), 7);
}

static void test_logrotate_cycle_recognised_by_content(void **state)
{
    struct fixture *fx = *state;
    char seen[4096], from[128], log[128];
    snprintf(log, sizeof(log), "%s", at(fx, "access.log"));
    /* A head longer than the fingerprinted one, so the head and the tail differ. */
    char big[8192] = "";
    for (int i = 0; i < 300; i++) {
        char line[32];
        snprintf(line, sizeof(line), "line %03d\n", i);
        strcat(big, line);
    }
    write_file(log, "w", big);
    assert_int_equal(read_through(fx, log, false, seen, sizeof(seen)), 300);
    /* The server writes two more lines, then logrotate renames the file... */
    write_file(log, "a", "late 1\nlate 2\n");
    snprintf(from, sizeof(from), "%s", log);
    assert_int_equal(rename(from, at(fx, "access.log.1")), 0);
    write_file(log, "w", "new 1\n");
    assert_int_equal(read_through(fx, at(fx, "access.log.1"), false, seen, sizeof(seen)), 2);
    assert_string_equal(seen, "late 1|late 2");
    assert_int_equal(read_through(fx, log, false, seen, sizeof(seen)), 1);
    /* ...and at the next rotation compresses it: the same content, read already. */
    snprintf(from, sizeof(from), "%s", at(fx, "access.log.1"));
    gzip_file(from, at(fx, "access.log.2.gz"));
    unlink(from);
    assert_int_equal(rename(log, at(fx, "access.log.1")), 0);
    assert_int_equal(read_through(fx, at(fx, "access.log.2.gz"), false, seen, sizeof(seen)), 0);
    assert_int_equal(read_through(fx, at(fx, "access.log.1"), false, seen, sizeof(seen)), -1);
    assert_int_equal(kt_ledger_count(fx->lg), 2);
    /* Now known by its new identity: skipped without decompressing. */
    assert_int_equal(read_through(fx, at(fx, "access.log.2.gz"), false, seen, sizeof(seen)), -1);
}

static void test_compressed_tail_not_read_yet(void **state)
{
    struct fixture *fx = *state;
    char seen[4096], log[128];
    snprintf(log, sizeof(log), "%s", at(fx, "app.log"));
    write_file(log, "w", "a 1\na 2\n");
    assert_int_equal(read_through(fx, log, false, seen, sizeof(seen)), 2);
    /* Lines written after our read and before compression are read from the .gz. */
    write_file(log, "a", "a 3\n");
    gzip_file(log, at(fx, "app.log.1.gz"));
    unlink(log);
    assert_int_equal(read_through(fx, at(fx, "app.log.1.gz"), false, seen, sizeof(seen)), 1);
    assert_string_equal(seen, "a 3");
}

static void test_same_name_new_content_read_whole(void **state)
{
    struct fixture *fx = *state;
    char seen[4096];
    const char *log = at(fx, "x.log");
    write_file(log, "w", "alpha\nbeta\n");
    assert_int_equal(read_through(fx, log, false, seen, sizeof(seen)), 2);
    /* copytruncate then new lines: a different head, so new content. */
    write_file(log, "w", "gamma\ndelta\nepsilon\n");
    assert_int_equal(read_through(fx, log, false, seen, sizeof(seen)), 3);
    assert_int_equal(kt_ledger_count(fx->lg), 2);
}

static void test_checkpoint_updates_one_entry(void **state)
{
    struct fixture *fx = *state;
    const char *log = at(fx, "live.log");
    write_file(log, "w", "l1\nl2\nl3\n");
    struct kt_source *src;
    struct kt_ledger_input *in;
    uint64_t base;
    const char *why;
    struct kt_err err;
    assert_int_equal(kt_ledger_open(fx->lg, log, NULL, false, &src, &in, &base, &why, &err),
                     KT_OK);
    assert_non_null(in);
    /* A follower that has handed out the first line, then the second: one entry, moved on. */
    assert_int_equal(kt_ledger_input_checkpoint(in, 3, KT_LEDGER_LINES), KT_OK);
    assert_int_equal(kt_ledger_count(fx->lg), 1);
    assert_int_equal(kt_ledger_at(fx->lg, 0)->consumed, 3);
    assert_int_equal(kt_ledger_input_checkpoint(in, 6, KT_LEDGER_LINES), KT_OK);
    assert_int_equal(kt_ledger_count(fx->lg), 1);
    assert_int_equal(kt_ledger_at(fx->lg, 0)->consumed, 6);
    /* Stopped without finishing: the checkpoint stands. */
    assert_int_equal(kt_ledger_input_done(in, 9, KT_LEDGER_LINES, false), KT_OK);
    kt_source_free(src);
    char seen[256];
    assert_int_equal(read_through(fx, log, false, seen, sizeof(seen)), 1);
    assert_string_equal(seen, "l3");
}

static void test_entry_serialisation(void **state)
{
    (void)state;
    struct kt_ledger_entry e = { .head_len = 4096, .tail_len = 4096, .consumed = 123456,
                                 .next_line = 4321,
                                 .dev = 2049, .ino = 77, .size = 9999, .mtime_ns = 5,
                                 .read_ms = 6, .codec = KT_CODEC_GZIP,
                                 .kind = KT_LEDGER_DOCUMENT };
    memset(e.head, 0xab, sizeof(e.head));
    memset(e.tail, 0xcd, sizeof(e.tail));
    snprintf(e.path, sizeof(e.path), "/var/log/nginx/access.log.2.gz");
    uint8_t buf[512];
    size_t n = kt_ledger_entry_write(&e, buf, sizeof(buf));
    assert_true(n > 0);
    struct kt_ledger_entry back;
    assert_int_equal(kt_ledger_entry_read(&back, buf, n), n);
    assert_memory_equal(&back, &e, sizeof(e));
    for (size_t cut = 0; cut < n; cut++) {
        assert_int_equal(kt_ledger_entry_read(&back, buf, cut), 0);
    }
    buf[0] = 9; /* unknown entry version */
    assert_int_equal(kt_ledger_entry_read(&back, buf, n), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_growing_file_read_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logrotate_cycle_recognised_by_content, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_compressed_tail_not_read_yet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_name_new_content_read_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_updates_one_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entry_serialisation, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
