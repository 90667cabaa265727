/*
 * Line-by-line reading of the small text inputs a user writes (--leaked, --ip-list): from a
 * file or from a buffer, with 1-based line numbers, a cap on the line length, and the line
 * buffer wiped afterwards (a leaked-key list holds tokens).
 *
 * The callback gets each line without its "\n" (a trailing "\r" is left to kt_str_trim), NUL
 * bytes included: callers decide what a control byte means. A line over max_line bytes is an
 * error naming the file and line, so a binary file given by mistake stops at once instead of
 * being read whole into memory.
 */
#ifndef KEYTRAIL_LINEFILE_H
#define KEYTRAIL_LINEFILE_H

#include <keytrail/common.h>
#include <keytrail/error.h>

/* Called once per line; a result other than KT_OK stops the reading and is returned. */
typedef enum kt_rc (*kt_line_fn)(void *ctx, struct kt_str line, const char *name, uint64_t lineno,
                                 struct kt_err *err);

/*
 * Reads path line by line. Returns KT_OK, the callback's first error, KT_EOPEN or KT_EIO
 * (err names the file), KT_ELIMIT for a line over max_line bytes (err names file and line),
 * KT_ENOMEM.
 */
enum kt_rc kt_lines_file(const char *path, size_t max_line, kt_line_fn fn, void *ctx,
                         struct kt_err *err);

/* Same over buf[0, len), reported as name. The buffer is not modified or wiped. */
enum kt_rc kt_lines_buffer(const char *name, const char *buf, size_t len, size_t max_line,
                           kt_line_fn fn, void *ctx, struct kt_err *err);

/* True when s holds a byte below 0x20 other than tab (or DEL): never part of a valid line. */
bool kt_lines_has_control(struct kt_str s);

#endif
