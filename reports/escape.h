/*
 * Escaping of text from the logs for the two human report formats, shared by scan's reports
 * (html.c, markdown.c) and hunt's (hunt_*.c) so that both treat a hostile string alike.
 *
 * Both write s with every byte that could start markup made inert, keep the value on one line
 * (line breaks and tabs become spaces) and replace other control characters (C0, DEL, C1) and
 * invalid UTF-8 with U+FFFD. Valid UTF-8 passes through.
 */
#ifndef KEYTRAIL_REPORTS_ESCAPE_H
#define KEYTRAIL_REPORTS_ESCAPE_H

#include <stdio.h>

#include <keytrail/common.h>

/* HTML element text and quoted attribute values: & < > " ' become entities. */
void kt_esc_html(FILE *out, struct kt_str s);

/* Markdown inline text and table cells: \ ` * _ [ ] < > | # ~ & ! are backslash-escaped, which
 * CommonMark and GFM accept for any ASCII punctuation (and which keeps '|' inside a cell). */
void kt_esc_md(FILE *out, struct kt_str s);

/* Either of the two, for code that renders both formats. */
typedef void (*kt_esc_fn)(FILE *out, struct kt_str s);

#endif
