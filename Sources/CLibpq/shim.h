#ifndef BIZCACHED_CLIBPQ_SHIM_H
#define BIZCACHED_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
