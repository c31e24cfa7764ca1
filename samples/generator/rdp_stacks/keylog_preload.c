/*
 * keylog_preload.c: make any OpenSSL 3 program write an NSS key log (TLS secrets).
 *
 * FreeRDP 2.11 and xrdp 0.9.21 (Debian 12) have no option that writes TLS secrets.
 * Loaded with LD_PRELOAD, this library wraps SSL_new(): it calls the real SSL_new
 * (dlsym RTLD_NEXT) and installs SSL_CTX_set_keylog_callback() on the SSL's context.
 * OpenSSL then hands over every secret as one NSS key log line
 * (https://developer.mozilla.org/en-US/docs/Mozilla/Projects/NSS/Key_Log_Format):
 *   TLS 1.2 and earlier: CLIENT_RANDOM <client random> <master secret>
 *   TLS 1.3: CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET,
 *            CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0 (and EXPORTER_SECRET)
 * which this library appends to the file named by $RDPCAP_KEYLOG (nothing is written when
 * it is unset).  Loading it into the client alone is enough: the client knows every secret.
 *
 * An existing callback of the program is kept (it is called too).  Each line is written
 * with one write() on an O_APPEND descriptor, so several processes or threads can share
 * the file.
 *
 * More test switches, for TLS 1.3 samples the stacks never produce by themselves (used in
 * the server, xrdp, for rdp-29..31):
 *   RDPCAP_TLS_GROUPS=LIST   SSL_CTX_set1_groups_list(ctx, LIST) on every context at SSL_new
 *                            (e.g. "P-256": a client whose key share is X25519 then gets a
 *                            HelloRetryRequest, RFC 8446 4.1.4)
 *   RDPCAP_TLS13_SUITES=LIST SSL_CTX_set_ciphersuites(ctx, LIST) on every context at SSL_new
 *                            (xrdp's tls_ciphers only sets the TLS 1.2 list)
 *   RDPCAP_KEYUPDATE_AT=N    before the process's N-th SSL_write on a TLS 1.3 connection, call
 *                            SSL_key_update(ssl, SSL_KEY_UPDATE_REQUESTED): a KeyUpdate message
 *                            (RFC 8446 4.6.3) goes out with that write and the peer answers
 *                            with its own KeyUpdate
 *
 * Build:  cc -shared -fPIC -O2 -o keylog_preload.so keylog_preload.c -ldl
 * Use:    RDPCAP_KEYLOG=/tmp/x.keys LD_PRELOAD=$PWD/keylog_preload.so xfreerdp ...
 *
 * Test and sample use only: the key log lets anyone with the capture read the session.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The few OpenSSL 3 declarations needed, so the library builds without libssl-dev. */
typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef void (*keylog_cb)(const SSL *ssl, const char *line);

typedef SSL *(*ssl_new_fn)(SSL_CTX *ctx);
typedef void (*set_cb_fn)(SSL_CTX *ctx, keylog_cb cb);
typedef keylog_cb (*get_cb_fn)(const SSL_CTX *ctx);
typedef long (*ctx_ctrl_fn)(SSL_CTX *ctx, int cmd, long larg, void *parg);
typedef int (*ssl_write_fn)(SSL *ssl, const void *buf, int num);
typedef int (*key_update_fn)(SSL *ssl, int updatetype);
typedef int (*ssl_version_fn)(const SSL *ssl);
typedef int (*set_suites_fn)(SSL_CTX *ctx, const char *list);

#define RDPCAP_SSL_CTRL_SET_GROUPS_LIST 92    /* ssl.h: SSL_CTX_set1_groups_list is this ctrl */
#define RDPCAP_SSL_KEY_UPDATE_REQUESTED 1
#define RDPCAP_TLS1_3_VERSION 0x0304

static ssl_new_fn real_ssl_new;
static set_cb_fn set_keylog_cb;
static get_cb_fn get_keylog_cb;
static ctx_ctrl_fn ctx_ctrl;
static ssl_write_fn real_ssl_write;
static key_update_fn key_update;
static ssl_version_fn ssl_version;
static set_suites_fn set_suites;
static long write_count;

/* One program's callback is remembered (xfreerdp, xrdp and freerdp-shadow install none). */
static keylog_cb previous_cb;

static void write_line(const char *line)
{
    const char *path = getenv("RDPCAP_KEYLOG");
    if (path == NULL || *path == '\0' || line == NULL)
        return;
    size_t n = strlen(line);
    char *buf = malloc(n + 1);
    if (buf == NULL)
        return;
    memcpy(buf, line, n);
    buf[n] = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) {
        size_t off = 0;
        while (off < n + 1) {
            ssize_t w = write(fd, buf + off, n + 1 - off);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        close(fd);
    }
    free(buf);
}

static void keylog_line(const SSL *ssl, const char *line)
{
    write_line(line);
    if (previous_cb != NULL && previous_cb != keylog_line)
        previous_cb(ssl, line);
}

static void resolve(void)
{
    if (real_ssl_new == NULL)
        real_ssl_new = (ssl_new_fn)dlsym(RTLD_NEXT, "SSL_new");
    /* The other symbols come from the same libssl, found through the default scope. */
    if (set_keylog_cb == NULL)
        set_keylog_cb = (set_cb_fn)dlsym(RTLD_DEFAULT, "SSL_CTX_set_keylog_callback");
    if (get_keylog_cb == NULL)
        get_keylog_cb = (get_cb_fn)dlsym(RTLD_DEFAULT, "SSL_CTX_get_keylog_callback");
    if (ctx_ctrl == NULL)
        ctx_ctrl = (ctx_ctrl_fn)dlsym(RTLD_DEFAULT, "SSL_CTX_ctrl");
    if (set_suites == NULL)
        set_suites = (set_suites_fn)dlsym(RTLD_DEFAULT, "SSL_CTX_set_ciphersuites");
}

SSL *SSL_new(SSL_CTX *ctx)
{
    resolve();
    if (real_ssl_new == NULL)
        return NULL;
    if (ctx != NULL && set_keylog_cb != NULL) {
        keylog_cb cur = get_keylog_cb != NULL ? get_keylog_cb(ctx) : NULL;
        if (cur != keylog_line) {
            if (cur != NULL)
                previous_cb = cur;
            set_keylog_cb(ctx, keylog_line);
        }
    }
    const char *groups = getenv("RDPCAP_TLS_GROUPS");
    if (ctx != NULL && groups != NULL && *groups != '\0' && ctx_ctrl != NULL)
        ctx_ctrl(ctx, RDPCAP_SSL_CTRL_SET_GROUPS_LIST, 0, (void *)groups);
    const char *suites = getenv("RDPCAP_TLS13_SUITES");
    if (ctx != NULL && suites != NULL && *suites != '\0' && set_suites != NULL)
        set_suites(ctx, suites);
    return real_ssl_new(ctx);
}

int SSL_write(SSL *ssl, const void *buf, int num)
{
    if (real_ssl_write == NULL)
        real_ssl_write = (ssl_write_fn)dlsym(RTLD_NEXT, "SSL_write");
    if (key_update == NULL)
        key_update = (key_update_fn)dlsym(RTLD_DEFAULT, "SSL_key_update");
    if (ssl_version == NULL)
        ssl_version = (ssl_version_fn)dlsym(RTLD_DEFAULT, "SSL_version");
    if (real_ssl_write == NULL)
        return -1;
    const char *at = getenv("RDPCAP_KEYUPDATE_AT");
    if (at != NULL && *at != '\0' && key_update != NULL && ssl_version != NULL && ssl != NULL
        && ssl_version(ssl) == RDPCAP_TLS1_3_VERSION) {
        write_count++;
        if (write_count == strtol(at, NULL, 10))
            key_update(ssl, RDPCAP_SSL_KEY_UPDATE_REQUESTED);
    }
    return real_ssl_write(ssl, buf, num);
}
