#ifndef CCURL_H
#define CCURL_H
/// Fixed-arity wrappers around libcurl's variadic setters, for Swift.
///
/// Swift cannot call `curl_easy_setopt`, `curl_multi_setopt` or `curl_easy_getinfo` (C varargs),
/// so each argument type kcache needs gets one function here. Nothing else lives in this target:
/// all policy is in KubeUpstream. Every function follows the libcurl rule for the handle it
/// takes: an easy or multi handle is used only on the thread that drives its multi loop.
#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

/// The signature of libcurl's write, header and read callbacks.
typedef size_t (*ccurl_data_callback)(char *buffer, size_t size, size_t count, void *context);

CURLcode ccurl_easy_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode ccurl_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value);
CURLcode ccurl_easy_setopt_string(CURL *easy, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_pointer(CURL *easy, CURLoption option, void *value);
CURLcode ccurl_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value);
/// Passes `length` bytes as a `struct curl_blob` with CURL_BLOB_COPY: libcurl keeps its own copy.
CURLcode ccurl_easy_setopt_blob(CURL *easy, CURLoption option, const void *data, size_t length);

/// Sets CURLOPT_WRITEFUNCTION and CURLOPT_WRITEDATA.
CURLcode ccurl_easy_set_write_callback(CURL *easy, ccurl_data_callback callback, void *context);
/// Sets CURLOPT_HEADERFUNCTION and CURLOPT_HEADERDATA.
CURLcode ccurl_easy_set_header_callback(CURL *easy, ccurl_data_callback callback, void *context);
/// Sets CURLOPT_READFUNCTION and CURLOPT_READDATA.
CURLcode ccurl_easy_set_read_callback(CURL *easy, ccurl_data_callback callback, void *context);

CURLcode ccurl_easy_getinfo_long(CURL *easy, CURLINFO info, long *value);

CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// Reads the next CURLMSG_DONE message of `multi`: true with the finished handle and its result,
/// false when no message is left. Other message kinds (none exist in 7.88) are skipped.
bool ccurl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result);

/// Callback return codes and pause masks, exported as typed constants (some are macros that
/// Swift does not import).
extern const size_t ccurl_writefunc_pause;
extern const size_t ccurl_readfunc_pause;
extern const size_t ccurl_readfunc_abort;
extern const int ccurl_pause_recv;
extern const int ccurl_pause_send;
extern const int ccurl_pause_cont;
extern const long ccurl_http_version_2tls;
extern const long ccurl_http_version_1_1;
extern const long ccurl_global_all;
extern const long ccurl_pipe_multiplex;
extern const size_t ccurl_error_size;

#endif
