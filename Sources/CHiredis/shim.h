#ifndef BIZCACHED_CHIREDIS_SHIM_H
#define BIZCACHED_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
