/*
 * Fuzz harness for the --ip-list reader and network sets (src/netset.c): the input is a list
 * file, read from memory (an exact-size copy) and from a temporary file, then looked up at the
 * addresses it names and at a few fixed ones. Besides memory safety (ASan/UBSan) it aborts
 * when an invariant breaks:
 *   - the result is KT_OK, or KT_EPARSE / KT_ELIMIT naming "name:line" with a line that
 *     exists in the input, with one of the reader's fixed messages (never the line);
 *   - the file and the memory readers agree (result, location, message, count);
 *   - every network a loaded list names matches its own address, and every label a lookup
 *     returns is NUL-terminated and free of control bytes (tabs allowed, as in the file);
 *   - a set never holds more entries than the list has lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_lines.h"
#include "netset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool known_message(const char *msg)
{
    static const char *const messages[] = {
        "control characters in the line",
        "not an address or network (CIDR such as 203.0.113.0/24 or 2001:db8::/32)",
        "line longer than 4096 bytes (is this a text file?)",
    };
    for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
        if (strcmp(msg, messages[i]) == 0) {
            return true;
        }
    }
    return false;
}

static void check_label(const char *label)
{
    if (label == NULL) {
        return;
    }
    size_t n = strnlen(label, 8192);
    check(n < 8192);
    for (size_t i = 0; i < n; i++) {
        check(((unsigned char)label[i] >= 0x20 || label[i] == '\t') && label[i] != 0x7f);
    }
}

/* Each listed network must match its own address (the part before the '/'). */
static void check_own_addresses(const struct kt_netset *set, const char *text, size_t size)
{
    size_t start = 0;
    while (start < size) {
        const char *nl = memchr(text + start, '\n', size - start);
        size_t len = nl != NULL ? (size_t)(nl - (text + start)) : size - start;
        struct kt_str line = kt_str_trim(kt_str_make(text + start, len));
        start += len + 1;
        if (line.len == 0 || line.ptr[0] == '#') {
            continue;
        }
        size_t n = 0;
        while (n < line.len && line.ptr[n] != ' ' && line.ptr[n] != '\t' && line.ptr[n] != ',' &&
               line.ptr[n] != '/') {
            n++;
        }
        const char *label = kt_netset_match(set, kt_str_make(line.ptr, n));
        check(label != NULL);
        check_label(label);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) {
        return 0;
    }
    char *copy = malloc(size ? size : 1);
    struct kt_netset *mem = NULL, *file = NULL;
    if (copy == NULL || kt_netset_new(&mem) != KT_OK || kt_netset_new(&file) != KT_OK) {
        goto out;
    }
    if (size > 0) {
        memcpy(copy, data, size);
    }
    uint64_t lines = fz_count_lines(data, size);
    struct kt_err em;
    kt_err_clear(&em);
    enum kt_rc rm = kt_netset_load_buffer(mem, "mem", copy, size, &em);
    uint64_t line_m = 0;
    check(kt_netset_count(mem) <= lines);
    if (rm == KT_OK) {
        check_own_addresses(mem, copy, size);
    } else {
        check(rm == KT_EPARSE || rm == KT_ELIMIT);
        check(known_message(em.msg));
        line_m = fz_where_line(&em, "mem", lines, true);
    }
    static const char *const probes[] = { "0.0.0.0", "10.1.2.3", "185.220.101.44", "::",
                                          "::1", "2001:db8::1", "::ffff:10.1.2.3", "x" };
    for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        check_label(kt_netset_match(mem, kt_str_cstr(probes[i])));
    }
    /* The whole input as one network and as one address. */
    kt_netset_add(mem, kt_str_make(copy, size), KT_STR_LIT("whole"));
    check_label(kt_netset_match(mem, kt_str_make(copy, size)));

    const char *tmp_path = fz_write_tmp("iplist", data, size);
    if (tmp_path != NULL) {
        struct kt_err ef;
        kt_err_clear(&ef);
        enum kt_rc rf = kt_netset_load(file, tmp_path, &ef);
        check(rf == rm);
        if (rf != KT_OK) {
            check(strcmp(ef.msg, em.msg) == 0);
            check(fz_where_line(&ef, tmp_path, lines, true) == line_m);
        }
        /* mem got "whole" added since. */
        check(kt_netset_count(file) <= kt_netset_count(mem));
    }
out:
    kt_netset_free(file);
    kt_netset_free(mem);
    free(copy);
    return 0;
}
