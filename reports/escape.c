/* Escaping for HTML and Markdown output; see escape.h. */
#include "escape.h"

#include <string.h>

#include "alerts.h"

#define UFFFD "\xef\xbf\xbd"

void kt_esc_html(FILE *out, struct kt_str s)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    const unsigned char *end = p + s.len;
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && *p >= 0x20 && *p < 0x7f && *p != '&' && *p != '<' && *p != '>' &&
               *p != '"' && *p != '\'') {
            p++;
        }
        if (p > run) {
            fwrite(run, 1, (size_t)(p - run), out);
        }
        if (p == end) {
            break;
        }
        unsigned c = *p;
        size_t n = 1;
        switch (c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        case '\n':
        case '\r':
        case '\t': fputc(' ', out); break;
        default:
            if (c < 0x80) {
                fputs(UFFFD, out); /* C0 controls and DEL */
                break;
            }
            n = kt_rep_put_nonascii(out, p, end);
            break;
        }
        p += n;
    }
}

void kt_esc_md(FILE *out, struct kt_str s)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    const unsigned char *end = p + s.len;
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && *p >= 0x20 && *p < 0x7f && strchr("\\`*_[]<>|#~&!", *p) == NULL) {
            p++;
        }
        if (p > run) {
            fwrite(run, 1, (size_t)(p - run), out);
        }
        if (p == end) {
            break;
        }
        unsigned c = *p;
        if (c >= 0x20 && c < 0x7f) {
            fputc('\\', out);
            fputc((int)c, out);
            p++;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            fputc(' ', out);
            p++;
        } else if (c < 0x80) {
            fputs(UFFFD, out);
            p++;
        } else {
            p += kt_rep_put_nonascii(out, p, end);
        }
    }
}
