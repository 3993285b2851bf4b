/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal streaming JSON writer for -j output: values are written as
 * they come, commas and escaping are taken care of.  @key is the member
 * name inside an object and NULL inside an array or at the top.
 */
#ifndef COAPCTL_JSON_H
#define COAPCTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH	8

struct json {
	FILE *f;
	int depth;
	bool first[JSON_DEPTH];
};

void json_init(struct json *j, FILE *f);
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
void json_end(struct json *j, char close);	/* '}' or ']' */
void json_string(struct json *j, const char *key, const char *s);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

#endif /* COAPCTL_JSON_H */
