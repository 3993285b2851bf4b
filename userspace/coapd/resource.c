// SPDX-License-Identifier: GPL-2.0
/*
 * coapd's resources: registration at start-up and the answer to every
 * request the kernel forwards.  static and writable content is published,
 * so the kernel answers plain GETs by itself; what still reaches coapd for
 * them is a GET with another Accept, a GET after DELETE, and the writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coapd.h"

static int ct_of(const struct resource *r)
{
	return r->conf->ct >= 0 ? r->conf->ct : COAP_CT_TEXT_PLAIN;
}

/* FNV-1a: an ETag that changes whenever the content does. */
static void etag_of(const void *data, size_t len, uint8_t etag[ETAG_LEN])
{
	const uint8_t *p = data;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	for (i = 0; i < ETAG_LEN; i++)
		etag[i] = h >> (8 * i);
}

static void respond(struct coapd *d, uint64_t handle, const char *what,
		    const struct kcoap_response *resp)
{
	int err = kcoap_respond(d->k, handle, resp);

	if (!err) {
		log_info("%s: %u.%02u, %zu bytes", what, resp->code >> 5,
			 resp->code & 31, resp->payload_len);
	} else if (err == -EMSGSIZE && resp->code != COAP_CODE(5, 0)) {
		log_err("%s: response does not fit a datagram, answering 5.00",
			what);
		reply_error(d, handle, what, COAP_CODE(5, 0), NULL);
	} else if (err == -ENOENT) {
		log_err("%s: answered too late (the client got 5.03)", what);
	} else {
		log_err("%s: response refused: %s", what, kcoap_last_error(d->k));
	}
}

/* An error, with an optional diagnostic text (RFC 7252 5.5.2). */
void reply_error(struct coapd *d, uint64_t handle, const char *what,
		 uint8_t code, const char *diagnostic)
{
	struct kcoap_response resp = {
		.code = code,
		.content_format = -1,
		.max_age = -1,
		.payload = diagnostic,
		.payload_len = diagnostic ? strlen(diagnostic) : 0,
	};

	respond(d, handle, what, &resp);
}

/* A representation of @r: its content format; ETag and Max-Age on 2.05. */
void reply_content(struct coapd *d, uint64_t handle, const char *what,
		   uint8_t code, const struct resource *r, const void *data,
		   size_t len)
{
	bool content = code == COAP_CODE(2, 5);
	uint8_t etag[ETAG_LEN];
	struct kcoap_response resp = {
		.code = code,
		.content_format = ct_of(r),
		.max_age = content ? r->conf->max_age : -1,
		.etag = content ? etag : NULL,
		.etag_len = content ? ETAG_LEN : 0,
		.payload = data ?: "",
		.payload_len = len,
	};

	etag_of(data, len, etag);
	respond(d, handle, what, &resp);
}

/*
 * The kernel then answers GET (and revalidation, by ETag) by itself, and
 * notifies observers.  "pad" appends a newline and spaces up to that size.
 */
static int publish(struct coapd *d, const struct resource *r,
		   const char *data, size_t len)
{
	static char padded[PAD_MAX];
	uint8_t etag[ETAG_LEN];
	struct kcoap_representation rep = {
		.payload = data,
		.len = len,
		.content_format = r->conf->ct,
		.max_age = r->conf->max_age,
		.etag = etag,
		.etag_len = ETAG_LEN,
	};

	if (len < r->conf->pad) {
		memcpy(padded, data, len);
		padded[len] = '\n';
		memset(padded + len + 1, ' ', r->conf->pad - len - 1);
		rep.payload = padded;
		rep.len = r->conf->pad;
	}
	etag_of(rep.payload, rep.len, etag);
	return kcoap_publish(d->k, r->conf->path, &rep);
}

static bool payload_allowed(const struct res_conf *c, const void *p,
			    size_t len)
{
	size_t i;

	for (i = 0; i < c->nallowed; i++)
		if (strlen(c->allowed[i]) == len && !memcmp(c->allowed[i], p, len))
			return true;
	return false;
}

static void not_allowed(struct coapd *d, const struct resource *r,
			uint64_t handle, const char *what)
{
	char diag[128] = "expected one of:";
	size_t i;

	for (i = 0; i < r->conf->nallowed; i++)
		if (strlen(diag) + strlen(r->conf->allowed[i]) + 3 < sizeof(diag))
			snprintf(diag + strlen(diag), sizeof(diag) - strlen(diag),
				 "%s %s", i ? "," : "", r->conf->allowed[i]);
	reply_error(d, handle, what, COAP_CODE(4, 0), diag);
}

/*
 * PUT replaces the content, POST appends to it; both republish and answer
 * 2.04 with the new content.  Returns 0, or the error code to answer.
 */
static uint8_t update(struct coapd *d, struct resource *r,
		      const struct kcoap_request *req, const char *what)
{
	size_t base = req->code == COAP_METHOD_POST ? r->len : 0;
	size_t len = base + req->payload_len;
	char *buf;

	if (req->content_format >= 0 && req->content_format != ct_of(r))
		return COAP_CODE(4, 15);
	if (r->conf->nallowed &&
	    !payload_allowed(r->conf, req->payload, req->payload_len)) {
		not_allowed(d, r, req->handle, what);
		return 0;
	}
	if (len > COAP_PUBLISH_MAX)
		return COAP_CODE(4, 13);

	buf = malloc(len + 1);
	if (!buf) {
		log_err("%s: out of memory", what);
		return COAP_CODE(5, 0);
	}
	memcpy(buf, r->content, base);
	if (req->payload_len)
		memcpy(buf + base, req->payload, req->payload_len);
	buf[len] = '\0';
	/* publish before answering: a GET right after the 2.04 sees it */
	if (publish(d, r, buf, len)) {
		log_err("%s: publish: %s", what, kcoap_last_error(d->k));
		free(buf);
		return COAP_CODE(5, 0);
	}
	free(r->content);
	r->content = buf;
	r->len = len;
	r->deleted = false;
	reply_content(d, req->handle, what, COAP_CODE(2, 4), r, r->content,
		      r->len);
	return 0;
}

/* DELETE: withdrawn, so GETs come to coapd, which answers 4.04. */
static uint8_t delete(struct coapd *d, struct resource *r, const char *what)
{
	if (kcoap_withdraw(d->k, r->conf->path)) {
		log_err("%s: withdraw: %s", what, kcoap_last_error(d->k));
		return COAP_CODE(5, 0);
	}
	r->content[0] = '\0';
	r->len = 0;
	r->deleted = true;
	return COAP_CODE(2, 2);
}

/* Answers the request itself, or returns the code of an empty answer. */
static uint8_t writable(struct coapd *d, struct resource *r,
			const struct kcoap_request *req, const char *what)
{
	switch (req->code) {
	case COAP_METHOD_GET:
		if (r->deleted)
			return COAP_CODE(4, 4);
		reply_content(d, req->handle, what, COAP_CODE(2, 5), r,
			      r->content, r->len);
		return 0;
	case COAP_METHOD_PUT:
	case COAP_METHOD_POST:
		return update(d, r, req, what);
	case COAP_METHOD_DELETE:
		return delete(d, r, what);
	}
	return COAP_CODE(4, 5);
}

/* Up to OUTPUT_MAX bytes of @path into @buf; -errno or -EFBIG. */
static ssize_t read_file(const char *path, char *buf)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: a FIFO without writer must not stall the daemon */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	do {
		n = read(fd, buf + len, OUTPUT_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		len += n;
	} while (n > 0 && len <= OUTPUT_MAX);
	close(fd);
	return len > OUTPUT_MAX ? -EFBIG : (ssize_t)len;
}

static void serve_file(struct coapd *d, const struct resource *r,
		       uint64_t handle, const char *what)
{
	char *buf = malloc(OUTPUT_MAX + 1);
	ssize_t n;

	n = buf ? read_file(r->conf->file, buf) : -ENOMEM;
	if (n < 0) {
		log_err("%s: %s: %s", what, r->conf->file,
			n == -EFBIG ? "too large" : strerror(-n));
		reply_error(d, handle, what, COAP_CODE(5, 0), NULL);
	} else {
		reply_content(d, handle, what, COAP_CODE(2, 5), r, buf, n);
	}
	free(buf);
}

static struct resource *find(struct coapd *d, const char *path)
{
	size_t i;

	for (i = 0; i < d->nres; i++)
		if (!strcmp(d->res[i].conf->path, path))
			return &d->res[i];
	return NULL;
}

static void describe(const struct kcoap_request *req, char *buf, size_t size)
{
	const char *m = kcoap_method_name(req->code);
	char peer[KCOAP_ADDRSTRLEN];

	if (!req->peer_len || kcoap_addr_format((const void *)&req->peer,
						req->peer_len, peer,
						sizeof(peer)))
		strcpy(peer, "?");
	if (m)
		snprintf(buf, size, "%s %s from %s", m, req->path, peer);
	else
		snprintf(buf, size, "0.%02u %s from %s", req->code, req->path,
			 peer);
}

/* Answers the request itself, or returns the code of an empty answer. */
static uint8_t dispatch(struct coapd *d, const struct kcoap_request *req,
			const char *what)
{
	struct resource *r = find(d, req->path);
	int err;

	if (!r)
		return COAP_CODE(4, 4);
	if (req->code >= 32 || !(r->conf->methods & COAP_METHOD_BIT(req->code)))
		return COAP_CODE(4, 5);
	if (req->code == COAP_METHOD_GET && req->accept >= 0 &&
	    req->accept != ct_of(r))
		return COAP_CODE(4, 6);

	switch (r->conf->kind) {
	case KIND_STATIC:
		reply_content(d, req->handle, what, COAP_CODE(2, 5), r,
			      r->content, r->len);
		break;
	case KIND_WRITABLE:
		return writable(d, r, req, what);
	case KIND_FILE:
		serve_file(d, r, req->handle, what);
		break;
	case KIND_COMMAND:
		err = job_start(d, r, req, what);
		if (err == -EBUSY)
			reply_error(d, req->handle, what, COAP_CODE(5, 3),
				    "too many commands running");
		else if (err)
			return COAP_CODE(5, 0);
		break;
	}
	return 0;
}

void handle_request(struct kcoap *k, const struct kcoap_request *req,
		    void *arg)
{
	struct coapd *d = arg;
	char what[128];
	uint8_t code;

	(void)k;	/* the same as d->k */
	describe(req, what, sizeof(what));
	code = dispatch(d, req, what);
	if (code)
		reply_error(d, req->handle, what, code, NULL);
}

static int start_one(struct coapd *d, struct resource *r)
{
	const struct res_conf *c = r->conf;
	struct kcoap_resource spec = {
		.path = c->path,
		.methods = c->methods,
		.rt = c->rt,
		.if_ = c->if_,
		.title = c->title,
		.ct = c->ct,
		.sz = c->sz,
		.observable = c->obs,
		.notify_con = c->notify_con,
	};
	int err;

	r->len = strlen(c->content);
	r->content = strdup(c->content);
	if (!r->content) {
		log_err("out of memory");
		return -1;
	}
	err = kcoap_resource_add(d->k, &spec);
	if (err) {
		log_err("resource %s (line %d): %s", c->path, c->line,
			kcoap_last_error(d->k));
		return -1;
	}
	if (c->kind == KIND_STATIC || c->kind == KIND_WRITABLE) {
		err = publish(d, r, r->content, r->len);
		if (err) {
			log_err("resource %s: publish: %s", c->path,
				kcoap_last_error(d->k));
			return -1;
		}
	}
	log_info("resource %s (%s) registered", c->path, kind_name(c->kind));
	return 0;
}

/* Register (and publish) every configured resource. 0 or -1, logged. */
int resources_start(struct coapd *d)
{
	size_t i;

	d->res = calloc(d->conf.nres, sizeof(*d->res));
	if (!d->res && d->conf.nres) {
		log_err("out of memory");
		return -1;
	}
	for (i = 0; i < d->conf.nres; i++) {
		d->res[i].conf = &d->conf.res[i];
		d->nres++;
		if (start_one(d, &d->res[i]))
			return -1;
	}
	return 0;
}

void resources_free(struct coapd *d)
{
	size_t i;

	for (i = 0; i < d->nres; i++)
		free(d->res[i].content);
	free(d->res);
	d->res = NULL;
	d->nres = 0;
}
