/*
 * The timeline of one hunted key as inline SVG: the key's uses per hour (or the model's
 * bucket) around the leak, as stacked bars, with vertical marks for the leak, the first
 * suspicious use and the rotation.
 *
 *   - before the leak: grey-blue; after it: amber; the suspicious part of after: red, on top;
 *   - bar heights are cumulative and rounded up, so one use is always visible next to 10 000;
 *   - marks are lines with a label above the plot, each label on its own row so marks at the
 *     same hour (a key whose first use is the leak) stay readable; a mark outside the plotted
 *     window is drawn at the edge and its label says so;
 *   - the x axis is labelled at most every eighth of the window, the y axis at the peak.
 *
 * Bars of one class are one path, so 336 buckets stay a few kilobytes. Path commands are
 * separated by spaces: run together ("138h13v24h-13zM93") they read as a token to the
 * redactor every report passes through, which cut them. Only fixed words reach class
 * attributes; mark labels from the model are escaped text.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hunt_formats.h"
#include "hunt_model.h"
#include "timefmt.h"

#define PLOT_W 720 /* target plot width */
#define LEFT 48    /* room for the y labels */
#define RIGHT 16
#define ROW 12 /* one mark label row */
#define ROWS 3
#define TOP (ROWS * ROW + 6)
#define PLOT_H 120
#define BOTTOM 30
#define MARKS_MAX 12

/* Height in SVG units of count c out of peak (rounded up; 0 only for 0). */
static unsigned scaled(uint64_t c, uint64_t peak)
{
    if (c == 0 || peak == 0) {
        return 0;
    }
    long double h = (long double)c * PLOT_H / (long double)peak;
    unsigned u = (unsigned)h;
    return KT_MIN(KT_MAX(u + ((long double)u < h), 1u), (unsigned)PLOT_H);
}

/* One path of bars between the cumulative heights lo(i) and hi(i). */
static void bars(FILE *out, const struct kt_hm_series *s, unsigned step, unsigned bar,
                 const char *cls, int layer)
{
    bool open = false;
    for (size_t i = 0; i < s->n; i++) {
        uint64_t lo, hi;
        if (layer == 0) {
            lo = 0;
            hi = s->before[i];
        } else if (layer == 1) {
            lo = s->before[i];
            hi = s->before[i] + s->after[i] - s->suspicious[i];
        } else {
            lo = s->before[i] + s->after[i] - s->suspicious[i];
            hi = s->before[i] + s->after[i];
        }
        if (hi <= lo) {
            continue;
        }
        unsigned y0 = scaled(lo, s->peak), y1 = scaled(hi, s->peak);
        if (y1 <= y0) {
            continue;
        }
        fputs(open ? " " : "", out);
        if (!open) {
            fprintf(out, "<path class=\"%s\" d=\"", cls);
            open = true;
        }
        fprintf(out, "M%zu %u h%u v%u h-%u z", LEFT + i * step, TOP + PLOT_H - y1, bar, y1 - y0,
                bar);
    }
    if (open) {
        fputs("\"/>", out);
    }
}

/* "11-04 01:00" (hour, minute buckets) or "11-04" (day) of a time. */
static void axis_label(char *buf, size_t cap, int64_t ms, const char *unit)
{
    char t[KT_TIME_STRLEN];
    kt_time_format(ms, t); /* 2026-11-04T01:00:00Z */
    if (strcmp(unit, "day") == 0) {
        snprintf(buf, cap, "%.5s", t + 5);
    } else {
        snprintf(buf, cap, "%.5s %.5s", t + 5, t + 11);
    }
}

static void axes(FILE *out, const struct kt_hm_series *s, unsigned step, unsigned width)
{
    fprintf(out, "<path class=\"ax\" d=\"M%d %d H%u\"/>", LEFT, TOP + PLOT_H, width - RIGHT);
    if (s->peak > 0) {
        fprintf(out,
                "<path class=\"grid\" d=\"M%d %d H%u\"/><text class=\"yl\" x=\"%d\" y=\"%d\">"
                "%" PRIu64 "</text>",
                LEFT, TOP, width - RIGHT, LEFT - 4, TOP + 4, s->peak);
    }
    fprintf(out, "<text class=\"yl\" x=\"%d\" y=\"%d\">0</text>", LEFT - 4, TOP + PLOT_H + 4);
    size_t every = KT_MAX((s->n + 7) / 8, (size_t)1);
    for (size_t i = 0; i < s->n; i += every) {
        char label[24];
        axis_label(label, sizeof(label), s->start_ms + (int64_t)i * s->bucket_ms, s->unit);
        unsigned x = LEFT + (unsigned)i * step;
        fprintf(out,
                "<path class=\"ax\" d=\"M%u %d v4\"/><text class=\"xl\" x=\"%u\" y=\"%d\">%s"
                "</text>",
                x, TOP + PLOT_H, x, TOP + PLOT_H + 16, label);
    }
}

/* Draws the marks; returns how many were drawn. */
static size_t marks(FILE *out, struct json_object *timeline, const struct kt_hm_series *s,
                    unsigned step, unsigned width)
{
    struct json_object *arr = kt_hm_arr(timeline, "marks");
    size_t drawn = 0;
    int64_t end_ms = s->start_ms + (int64_t)s->n * s->bucket_ms;
    for (size_t i = 0; i < kt_hm_len(arr) && drawn < MARKS_MAX; i++) {
        struct json_object *m = kt_hm_at(arr, i);
        int64_t t;
        if (!kt_hm_time(m, "time", &t)) {
            continue;
        }
        const char *cls = kt_hm_mark_class(kt_hm_str(m, "what"));
        bool early = t < s->start_ms, late = t >= end_ms;
        /* Position within the window in SVG units, to the bucket's fraction. */
        long double frac = early  ? 0
                           : late ? (long double)s->n
                                  : (long double)(t - s->start_ms) / s->bucket_ms;
        unsigned x = LEFT + (unsigned)(frac * step);
        unsigned row = (unsigned)(drawn % ROWS);
        unsigned y = ROW * (row + 1) - 2;
        bool right = x > width / 2;
        char when[KT_TIME_STRLEN];
        kt_time_format(t, when);
        fprintf(out, "<g class=\"mk mk-%s\"><path d=\"M%u %u V%d\"/>", cls, x, y + 3, TOP + PLOT_H);
        fprintf(out, "<text x=\"%u\" y=\"%u\" text-anchor=\"%s\">", right ? x - 3 : x + 3, y,
                right ? "end" : "start");
        kt_hm_put_m(out, kt_esc_html, m, "what", "mark");
        fprintf(out, " %.5s%s</text><title>", when + 11,
                early  ? " (before the window)"
                : late ? " (after the window)"
                       : "");
        kt_hm_put_m(out, kt_esc_html, m, "what", "mark");
        fprintf(out, " at %s</title></g>", when);
        drawn++;
    }
    return drawn;
}

void kt_hunt_svg_timeline(FILE *out, struct json_object *timeline)
{
    struct kt_hm_series *s = malloc(sizeof(*s));
    if (s == NULL) {
        fputs("<p class=\"none\">Timeline left out (out of memory).</p>\n", out);
        return;
    }
    if (!kt_hm_series_read(timeline, s)) {
        fputs("<p class=\"none\">No timeline in the model.</p>\n", out);
        free(s);
        return;
    }
    unsigned step = (unsigned)KT_MIN(KT_MAX(PLOT_W / s->n, (size_t)3), (size_t)24);
    unsigned bar = step > 4 ? step - 2 : step - 1;
    unsigned width = LEFT + (unsigned)s->n * step + RIGHT;
    unsigned height = TOP + PLOT_H + BOTTOM;
    char from[KT_TIME_STRLEN], to[KT_TIME_STRLEN];
    kt_time_format(s->start_ms, from);
    kt_time_format(s->start_ms + (int64_t)s->n * s->bucket_ms, to);

    fprintf(out,
            "<figure class=\"timeline\"><svg class=\"tl\" "
            "viewBox=\"0 0 %u %u\" width=\"%u\" height=\"%u\" role=\"img\" "
            "aria-label=\"Uses per %s from %s to %s\"><title>Uses per %s, %s to %s, busiest "
            "%" PRIu64 "</title>",
            width, height, width, height, s->unit, from, to, s->unit, from, to, s->peak);
    axes(out, s, step, width);
    bars(out, s, step, bar, "b", 0);
    bars(out, s, step, bar, "a", 1);
    bars(out, s, step, bar, "s", 2);
    size_t n_marks = marks(out, timeline, s, step, width);
    fprintf(out,
            "</svg><figcaption>Uses per %s from %s to %s (%" PRIu64 " in the window, busiest "
            "%s %" PRIu64 ")%s: <span class=\"sw b\"></span> before the leak "
            "<span class=\"sw a\"></span> after it <span class=\"sw s\"></span> suspicious%s"
            "</figcaption></figure>\n",
            s->unit, from, to, s->total, s->unit, s->peak,
            s->cut ? ", cut to the first two weeks" : "",
            n_marks > 0 ? "; lines mark the leak, the first suspicious use and the rotation" : "");
    free(s);
}
