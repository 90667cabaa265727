/*
 * Is an input text at all? The pipeline peeks at the first bytes of every file (up to the
 * first line break, or max_record bytes without one); when those bytes are binary data — an
 * endless run of NUL bytes from /dev/zero, an image, a database — reading on would only skip
 * one over-long "line" after another, forever on an endless input. This tells such inputs
 * apart so the file is skipped at once, with one warning naming it.
 *
 * Conservative on purpose: only a prefix with no line break in max_record bytes (which no text
 * log has, except a one-line JSON document, which holds no NUL or control bytes) and a share
 * of NUL or control bytes no text has, or a UTF-16 byte-order mark, counts as binary. A valid
 * log that merely holds a junk line is read as before, the junk counted as malformed.
 */
#ifndef KEYTRAIL_TEXTSNIFF_H
#define KEYTRAIL_TEXTSNIFF_H

#include <keytrail/common.h>

/*
 * prefix: what kt_splitter_peek returned; max_record: the record cap in force. Returns true
 * when the input is not text, with a reason for the warning in why (cap bytes, NUL-terminated,
 * never any input byte): "binary data (...)" or "UTF-16 text (...)". False for text.
 */
bool kt_text_is_binary(struct kt_str prefix, size_t max_record, char *why, size_t cap);

#endif
