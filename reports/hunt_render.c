/* Placeholder until the renderers land (hunt-report branch): JSON only. */
#include "hunt_render.h"

#include <strings.h>
#include <string.h>

bool kt_hunt_format_for_path(const char *path, enum kt_hunt_format *out)
{
    const char *dot = strrchr(path, '.');
    if (dot != NULL && strcasecmp(dot, ".json") == 0) {
        *out = KT_HUNT_FMT_JSON;
        return true;
    }
    return false;
}

enum kt_rc kt_hunt_render(struct json_object *doc, enum kt_hunt_format fmt, FILE *out,
                          struct kt_err *err)
{
    (void)fmt;
    const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE);
    if (fputs(text, out) == EOF || fputc('\n', out) == EOF) {
        kt_err_set(err, KT_EIO, "cannot write the report");
        return KT_EIO;
    }
    return KT_OK;
}

enum kt_rc kt_hunt_guidance_add(struct json_object *key, enum kt_family fam)
{
    (void)key;
    (void)fam;
    return KT_OK;
}
