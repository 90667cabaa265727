/*
 * Fuzz harness for the --leaked reader (src/leaked.c): the input is a leaked-key list, read
 * from memory (an exact-size copy, so overreads are caught) and from a temporary file. Besides
 * memory safety (ASan/UBSan) it aborts when an invariant breaks:
 *   - the result is KT_OK, or KT_EPARSE / KT_ELIMIT naming "name:line" with a line that
 *     exists in the input; it never touches *out on failure;
 *   - the message is one of the reader's fixed sentences: it can never quote the input (a
 *     token) — a new message must be added here on purpose;
 *   - the file and the memory readers agree (result, location, message, count);
 *   - a list that loads holds at most one entry per line;
 *   - the --rotated reader (the same lines, the time required) is stricter: what it loads, the
 *     --leaked reader loads too, with as many keys; its messages are fixed sentences as well.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_lines.h"
#include "leaked.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    "the key on this line has no rotation time; write 2026-11-02, 2026-11-02T14:00Z or "
    "2026-11-02 14:00 (UTC)",
    "what follows the credential on this line is not a rotation time; write 2026-11-02, "
    "2026-11-02T14:00Z or 2026-11-02 14:00 (UTC)",
    "what follows the Authorization value on this line is not a rotation time; write "
    "2026-11-02, 2026-11-02T14:00Z or 2026-11-02 14:00 (UTC)",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) {
        return 0;
    }
    char *copy = malloc(size ? size : 1);
    if (copy == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(copy, data, size);
    }
    uint64_t lines = fz_count_lines(data, size);

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
        check(fz_known_message(em.msg, messages, sizeof(messages) / sizeof(messages[0])));
        line_m = fz_where_line(&em, "mem", lines, false);
        check(line_m > 0);
    }

    char *rcopy = malloc(size ? size : 1);
    if (rcopy != NULL) {
        if (size > 0) {
            memcpy(rcopy, data, size);
        }
        struct kt_leaked *rot = NULL;
        struct kt_err er;
        kt_err_clear(&er);
        enum kt_rc rr = kt_rotated_load_buffer(&rot, "mem", rcopy, size, &er);
        free(rcopy);
        if (rr == KT_OK) {
            check(rm == KT_OK && kt_leaked_count(rot) == kt_leaked_count(mem));
            kt_leaked_free(rot);
        } else {
            check(rr == KT_EPARSE || rr == KT_ELIMIT);
            check(rot == NULL);
            check(fz_known_message(er.msg, messages, sizeof(messages) / sizeof(messages[0])));
            check(fz_where_line(&er, "mem", lines, false) > 0);
        }
    }

    const char *tmp_path = fz_write_tmp("leaked", data, size);
    if (tmp_path != NULL) {
        struct kt_leaked *file = NULL;
        struct kt_err ef;
        kt_err_clear(&ef);
        enum kt_rc rf = kt_leaked_load(&file, tmp_path, &ef);
        check(rf == rm);
        if (rf == KT_OK) {
            check(kt_leaked_count(file) == kt_leaked_count(mem));
        } else {
            check(strcmp(ef.msg, em.msg) == 0);
            check(fz_where_line(&ef, tmp_path, lines, false) == line_m);
        }
        kt_leaked_free(file);
    }
    if (rm == KT_OK) {
        kt_leaked_free(mem);
    }
    return 0;
}
