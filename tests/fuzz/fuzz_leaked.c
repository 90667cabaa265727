/*
 * Fuzz harness for the --leaked reader (src/leaked.c): the input is a leaked-key list, read
 * from memory (an exact-size copy, so overreads are caught) and from a temporary file. Besides
 * memory safety (ASan/UBSan) it aborts when an invariant breaks:
 *   - the result is KT_OK, or KT_EPARSE / KT_ELIMIT naming "name:line" with a line that
 *     exists in the input; it never touches *out on failure;
 *   - the message is one of the reader's fixed sentences: it can never quote the input (a
 *     token) — a new message must be added here on purpose;
 *   - the file and the memory readers agree (result, location, message, count);
 *   - a list that loads holds at most one entry per line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leaked.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char tmp_path[64];

static void check(bool ok)
{
    if (!ok) {
        abort();
    }
}

static void remove_tmp(void)
{
    unlink(tmp_path);
}

static const char *const messages[] = {
    "control characters in the line",
    "the line starts with a header name: write only the header's value (Bearer ...)",
    "the value on this line is quoted: write it without quotes",
    "the value on this line holds a comma or semicolon: separate the leak time with a space "
    "or a tab",
    "the value on this line is not a valid key id (kt1- and 24 hex digits)",
    "an Authorization scheme without its value",
    "what follows the credential on this line is not a leak time; write 2026-11-02, "
    "2026-11-02T14:00Z or 2026-11-02 14:00 (UTC)",
    "what follows the Authorization value on this line is not a leak time; write 2026-11-02, "
    "2026-11-02T14:00Z or 2026-11-02 14:00 (UTC)",
    "the value on this line is not a key id or a credential",
    "line longer than 17408 bytes (is this a text file?)",
};

static bool known_message(const char *msg)
{
    for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
        if (strcmp(msg, messages[i]) == 0) {
            return true;
        }
    }
    return false;
}

static uint64_t count_lines(const uint8_t *data, size_t size)
{
    uint64_t n = 0;
    for (size_t i = 0; i < size; i++) {
        n += data[i] == '\n';
    }
    return n + (size > 0 && data[size - 1] != '\n');
}

/* err.where is name or "name:line" with 1 <= line <= lines; returns the line (0: none). */
static uint64_t where_line(const struct kt_err *err, const char *name, uint64_t lines)
{
    size_t n = strlen(name);
    check(strncmp(err->where, name, n) == 0);
    if (err->where[n] == '\0') {
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) {
        return 0;
    }
    if (tmp_path[0] == '\0') {
        snprintf(tmp_path, sizeof(tmp_path), "/tmp/kt-fuzz-leaked-XXXXXX");
        int fd = mkstemp(tmp_path);
        if (fd < 0) {
            abort();
        }
        close(fd);
        atexit(remove_tmp);
    }
    char *copy = malloc(size ? size : 1);
    if (copy == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(copy, data, size);
    }
    uint64_t lines = count_lines(data, size);

    struct kt_leaked *mem = (struct kt_leaked *)&mem;
    struct kt_err em;
    kt_err_clear(&em);
    enum kt_rc rm = kt_leaked_load_buffer(&mem, "mem", copy, size, &em);
    free(copy);
    uint64_t line_m = 0;
    if (rm == KT_OK) {
        check(kt_leaked_count(mem) <= lines);
    } else {
        check(rm == KT_EPARSE || rm == KT_ELIMIT);
        check(mem == (struct kt_leaked *)&mem);
        check(known_message(em.msg));
        line_m = where_line(&em, "mem", lines);
        check(line_m > 0);
    }

    FILE *f = fopen(tmp_path, "wb");
    if (f != NULL) {
        bool written = fwrite(data, 1, size, f) == size;
        if (fclose(f) == 0 && written) {
            struct kt_leaked *file = NULL;
            struct kt_err ef;
            kt_err_clear(&ef);
            enum kt_rc rf = kt_leaked_load(&file, tmp_path, &ef);
            check(rf == rm);
            if (rf == KT_OK) {
                check(kt_leaked_count(file) == kt_leaked_count(mem));
            } else {
                check(strcmp(ef.msg, em.msg) == 0);
                check(where_line(&ef, tmp_path, lines) == line_m);
            }
            kt_leaked_free(file);
        }
    }
    if (rm == KT_OK) {
        kt_leaked_free(mem);
    }
    return 0;
}
