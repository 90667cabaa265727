/*
 * What the harnesses of the line-oriented readers (--leaked, --ip-list, --config) share: the
 * invariant check, line counting, parsing the "name:line" an error names, and the scratch file
 * each harness also loads its input from, so the file reader and the buffer reader are compared.
 */
#ifndef KEYTRAIL_FUZZ_LINES_H
#define KEYTRAIL_FUZZ_LINES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <keytrail/error.h>

static inline void check(bool ok)
{
    if (!ok) {
        abort();
    }
}

/* Newline bytes in data. */
static inline uint64_t fz_newlines(const uint8_t *data, size_t size)
{
    uint64_t n = 0;
    for (size_t i = 0; i < size; i++) {
        n += data[i] == '\n';
    }
    return n;
}

/* Lines of text in data (a last line without its newline counts). */
static inline uint64_t fz_count_lines(const uint8_t *data, size_t size)
{
    return fz_newlines(data, size) + (size > 0 && data[size - 1] != '\n');
}

/* err->where is "name:line" with 1 <= line <= lines (or, unless required, just "name");
 * returns the line (0 for none). Aborts on anything else. */
static inline uint64_t fz_where_line(const struct kt_err *err, const char *name, uint64_t lines,
                              bool required)
{
    size_t n = strlen(name);
    check(strncmp(err->where, name, n) == 0);
    if (err->where[n] == '\0' && !required) {
        return 0;
    }
    check(err->where[n] == ':');
    uint64_t line = 0;
    for (const char *p = err->where + n + 1; *p != '\0'; p++) {
        check(*p >= '0' && *p <= '9' && line < UINT64_MAX / 10);
        line = line * 10 + (uint64_t)(*p - '0');
    }
    check(line >= 1 && line <= lines);
    return line;
}

/* Whether msg is one of the reader's own sentences (errors never quote input). */
static inline bool fz_known_message(const char *msg, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(msg, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

static char fz_tmp_path[64];

static inline void fz_remove_tmp(void)
{
    unlink(fz_tmp_path);
}

/* Writes data to the harness's scratch file (made once, removed at exit); returns its path, or
 * NULL when it could not be written. */
static inline const char *fz_write_tmp(const char *tag, const uint8_t *data, size_t size)
{
    if (fz_tmp_path[0] == '\0') {
        snprintf(fz_tmp_path, sizeof(fz_tmp_path), "/tmp/kt-fuzz-%s-XXXXXX", tag);
        int fd = mkstemp(fz_tmp_path);
        if (fd < 0) {
            abort();
        }
        close(fd);
        atexit(fz_remove_tmp);
    }
    FILE *f = fopen(fz_tmp_path, "wb");
    if (f == NULL) {
        return NULL;
    }
    bool written = size == 0 || fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && written ? fz_tmp_path : NULL;
}

#endif
