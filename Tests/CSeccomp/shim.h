#ifndef BIZCACHED_CSECCOMP_SHIM_H
#define BIZCACHED_CSECCOMP_SHIM_H
// Tests only: the seccomp filter systemd 252 installs for MemoryDenyWriteExecute=yes, for
// running the real binaries under it. (prctl is variadic, so Swift cannot call it directly.)
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define BIZCACHED_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define BIZCACHED_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

// Installs, on the calling thread only (no SECCOMP_FILTER_FLAG_TSYNC), a filter that makes
// mmap with PROT_WRITE|PROT_EXEC, mprotect and pkey_mprotect with PROT_EXEC, and shmat with
// SHM_EXEC fail with EPERM, as systemd's seccomp_memory_deny_write_execute() does. Sets
// no_new_privs first, as the kernel requires of an unprivileged filter. Processes the thread
// starts afterwards inherit both. Returns 0, or -1 with errno set.
static inline int bizcached_deny_write_execute_on_this_thread(void) {
#ifdef BIZCACHED_AUDIT_ARCH
    // The third argument of all four calls decides; its low 32 bits hold every flag tested.
    const unsigned int third = offsetof(struct seccomp_data, args) + 2 * sizeof(__u64);
    struct sock_filter filter[] = {
        /*  0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        /*  1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, BIZCACHED_AUDIT_ARCH, 1, 0),
        /*  2 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        /*  3 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        /*  4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mmap, 4, 0),
        /*  5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mprotect, 6, 0),
        /*  6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_pkey_mprotect, 5, 0),
        /*  7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_shmat, 7, 0),
        /*  8 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        // mmap: refused when both PROT_WRITE and PROT_EXEC are asked for.
        /*  9 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, third),
        /* 10 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, PROT_WRITE | PROT_EXEC),
        /* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROT_WRITE | PROT_EXEC, 7, 6),
        // mprotect, pkey_mprotect: refused whenever PROT_EXEC is asked for.
        /* 12 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, third),
        /* 13 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, PROT_EXEC),
        /* 14 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROT_EXEC, 4, 3),
        // shmat: refused with SHM_EXEC.
        /* 15 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, third),
        /* 16 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, SHM_EXEC),
        /* 17 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SHM_EXEC, 1, 0),
        /* 18 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        /* 19 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    };
    struct sock_fprog program = { .len = sizeof filter / sizeof filter[0], .filter = filter };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}
#endif
