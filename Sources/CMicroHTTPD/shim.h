#ifndef BIZCACHED_CMICROHTTPD_SHIM_H
#define BIZCACHED_CMICROHTTPD_SHIM_H
// GNU libmicrohttpd expects these before its header on POSIX systems.
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>
#endif
