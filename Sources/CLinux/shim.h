#ifndef BIZCACHED_CLINUX_SHIM_H
#define BIZCACHED_CLINUX_SHIM_H
// Linux interfaces that Swift's Glibc module does not export.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <signal.h>

// accept4 is declared only under _GNU_SOURCE.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);

// struct ucred (SO_PEERCRED) is declared only under _GNU_SOURCE; same layout.
struct bizcached_ucred {
    pid_t pid;
    uid_t uid;
    gid_t gid;
};

// pthread_setname_np is declared only under _GNU_SOURCE.
#include <pthread.h>
extern int pthread_setname_np(pthread_t thread, const char *name);
#endif
