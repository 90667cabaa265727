/*
 * The follower (follow.h), driven by hand: each case changes the file the way a writer or
 * logrotate does, calls kt_follow_read and checks the lines handed out: none lost, none twice,
 * a partial line held until its end, over-long lines reported once, every rotation style.
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow.h"

struct got {
    char text[4096]; /* lines joined with '|' */
    int lines;
    int oversize;
    int notes;
    uint64_t last_line;
    int stop_after; /* return KT_EIO at this line (0: never) */
};

static enum kt_rc on_line(void *ctx, size_t index, uint64_t line, struct kt_str text, bool oversize)
{
    struct got *g = ctx;
    assert_int_equal(index, 0);
    g->lines++;
    g->last_line = line;
    if (oversize) {
        g->oversize++;
        assert_int_equal(text.len, 0);
    }
    size_t used = strlen(g->text);
    snprintf(g->text + used, sizeof(g->text) - used, "%.*s|", (int)text.len, text.ptr);
    return g->stop_after != 0 && g->lines == g->stop_after ? KT_EIO : KT_OK;
}

static void on_note(void *ctx, const struct kt_err *err)
{
    struct got *g = ctx;
    assert_true(err->where[0] != '\0');
    g->notes++;
}

static char dir[64], path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/keytrail-follow-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        return -1;
    }
    snprintf(path, sizeof(path), "%s/app.log", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *p, const char *mode, const char *text)
{
    FILE *f = fopen(p, mode);
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static struct kt_follow *start(struct got *g, const struct kt_follow_opts *o)
{
    memset(g, 0, sizeof(*g));
    char *paths[] = {path};
    struct kt_follow *f = NULL;
    struct kt_err err;
    struct kt_follow_opts def = {.no_inotify = true};
    assert_int_equal(kt_follow_new(&f, paths, 1, o ? o : &def, on_line, on_note, g, &err), KT_OK);
    return f;
}

static void test_partial_lines_and_crlf(void **state)
{
    (void)state;
    put(path, "w", "one\ntw");
    struct got g;
    struct kt_follow *f = start(&g, NULL);
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_string_equal(g.text, "one|");
    put(path, "a", "o\r\nthree\n\nfour");
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_string_equal(g.text, "one|two|three||");
    assert_int_equal(g.last_line, 4);
    assert_int_equal(kt_follow_read(f), KT_OK); /* nothing new */
    assert_int_equal(g.lines, 4);
    assert_false(kt_follow_done(f));
    kt_follow_free(f);
}

static void test_rename_rotation(void **state)
{
    (void)state;
    put(path, "w", "a1\n");
    struct got g;
    struct kt_follow *f = start(&g, NULL);
    assert_int_equal(kt_follow_read(f), KT_OK);
    char old[160];
    snprintf(old, sizeof(old), "%s.1", path);
    assert_int_equal(rename(path, old), 0);
    /* The writer still adds to the old file (until it reopens), a partial last line too. */
    put(old, "a", "a2\na3");
    put(path, "w", "b1\n");
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_string_equal(g.text, "a1|a2|a3|b1|");
    assert_int_equal(g.last_line, 1); /* numbering restarts in the new file */
    put(path, "a", "b2\n");
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_string_equal(g.text, "a1|a2|a3|b1|b2|");
    assert_true(g.notes >= 1);
    kt_follow_free(f);
    unlink(old);
}

static void test_truncation_and_refill(void **state)
{
    (void)state;
    put(path, "w", "first line of the log\nsecond\n");
    struct got g;
    struct kt_follow *f = start(&g, NULL);
    assert_int_equal(kt_follow_read(f), KT_OK);
    /* Truncated (copytruncate) and refilled past the old size before the next look. */
    put(path, "w", "other start of the log file\nnew 2\nnew 3\n");
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_string_equal(g.text,
                        "first line of the log|second|other start of the log file|new 2|new 3|");
    /* Plain truncation to empty, then a line. */
    put(path, "w", "");
    assert_int_equal(kt_follow_read(f), KT_OK);
    put(path, "a", "after\n");
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_string_equal(
        g.text, "first line of the log|second|other start of the log file|new 2|new 3|after|");
    kt_follow_free(f);
}

static void test_delete_recreate_and_missing(void **state)
{
    (void)state;
    unlink(path);
    struct got g;
    struct kt_follow *f = start(&g, NULL);
    assert_int_equal(g.notes, 1); /* missing at start: waited for */
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_int_equal(g.lines, 0);
    put(path, "w", "x1\n");
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_string_equal(g.text, "x1|");
    unlink(path);
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_int_equal(kt_follow_read(f), KT_OK);
    put(path, "w", "y1\ny2\n");
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_string_equal(g.text, "x1|y1|y2|");
    kt_follow_free(f);
}

static void test_oversize_and_from_end(void **state)
{
    (void)state;
    put(path, "w", "old line\n");
    struct got g;
    struct kt_follow_opts o = {.max_line = 16, .from_end = true, .no_inotify = true};
    struct kt_follow *f = start(&g, &o);
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_int_equal(g.lines, 0); /* --from-end: what was there is not read */
    put(path, "a", "0123456789abcdefXYZ");
    assert_int_equal(kt_follow_read(f), KT_OK);
    put(path, "a", "still too long\nshort\n");
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_int_equal(g.oversize, 1);
    assert_string_equal(g.text, "|short|");
    kt_follow_free(f);
}

static void test_stop_and_usage(void **state)
{
    (void)state;
    put(path, "w", "1\n2\n3\n");
    struct got g;
    struct kt_follow *f = start(&g, NULL);
    g.stop_after = 2;
    assert_int_equal(kt_follow_read(f), KT_EIO);
    g.stop_after = 0;
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_string_equal(g.text, "1|2|3|"); /* the rest of the read is not lost */
    kt_follow_free(f);
    char *paths[] = {dir};
    struct kt_err err;
    struct kt_follow_opts o = {0};
    assert_int_equal(kt_follow_new(&f, paths, 1, &o, on_line, on_note, &g, &err), KT_EUSAGE);
    assert_string_equal(err.where, dir);
    assert_null(f);
    kt_follow_free(NULL);
}

static void test_fifo_stream(void **state)
{
    (void)state;
    char fifo[160];
    snprintf(fifo, sizeof(fifo), "%s/pipe", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int wfd = open(fifo, O_RDWR); /* a writer, so the reader does not see an end at once */
    assert_true(wfd >= 0);
    struct got g;
    memset(&g, 0, sizeof(g));
    char *paths[] = {fifo};
    struct kt_follow *f = NULL;
    struct kt_err err;
    struct kt_follow_opts o = {0};
    assert_int_equal(kt_follow_new(&f, paths, 1, &o, on_line, on_note, &g, &err), KT_OK);
    assert_int_equal(write(wfd, "p1\np", 4), 4);
    kt_follow_wait(f, 1000); /* returns at once: data is there */
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_string_equal(g.text, "p1|");
    assert_false(kt_follow_done(f));
    assert_int_equal(write(wfd, "2", 1), 1);
    close(wfd);
    assert_int_equal(kt_follow_read(f), KT_OK);
    assert_string_equal(g.text, "p1|p2|"); /* the last line ends with the stream */
    assert_true(kt_follow_done(f));
    kt_follow_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_partial_lines_and_crlf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rename_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncation_and_refill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_recreate_and_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversize_and_from_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_and_usage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_stream, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
