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

static ssl_new_fn real_ssl_new;
static set_cb_fn set_keylog_cb;
static get_cb_fn get_keylog_cb;

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
    return real_ssl_new(ctx);
}
