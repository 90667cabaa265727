/* The terminal summary of `keytrail hunt`, printed from its report model (hunt_summary.c). */
#ifndef KEYTRAIL_HUNT_SUMMARY_H
#define KEYTRAIL_HUNT_SUMMARY_H

#include <stdio.h>

#include <json-c/json.h>

/* Prints the summary of doc (hunt_model.h) to out, a redacting stream. */
void kt_hunt_summary_print(FILE *out, struct json_object *doc);

#endif
