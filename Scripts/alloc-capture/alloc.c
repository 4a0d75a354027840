/*
 * alloc: runs a memory-allocation workload step by step inside a QEMU guest and records, before the
 * first step and after every step, where the kernel put the pages.
 *
 * Build (static, no libnuma):  gcc -static -O2 -Wall -o alloc alloc.c
 * Usage:                       alloc WORKLOAD.txt
 *
 * Workload text (one step per line, generated from workload.yaml by capture.py; '#' starts a comment):
 *   alloc CPU POLICY NODES BYTES    POLICY: default local preferred bind interleave preferred-many
 *                                   weighted-interleave; NODES: node list "0-1,3" or "-" (none)
 *   free N                          munmap the memory of step N (1-based)
 *
 * For an alloc step: sched_setaffinity(CPU), set_mempolicy(POLICY, NODES), mmap anonymous private,
 * madvise(MADV_NOHUGEPAGE), write one byte per 4 KiB page, set_mempolicy(MPOL_DEFAULT) again, then
 * print "@@STEP k done". The snapshot that follows runs with the default policy, still pinned.
 *
 * Output protocol on stdout (the guest's ttyS0):
 *   @@ALLOC-START nsteps=N
 *   @@SNAP-BEGIN <label> / @@F <path> + base64 lines + @@FE ... / @@SNAP-END <label>
 *       label "before" = full sysroot snapshot right before step 1; "step k" = after step k
 *       every snapshot holds proc/{zoneinfo,buddyinfo,pagetypeinfo,vmstat,meminfo} and the nodes'
 *       numastat and meminfo; "before" also holds the static files (version, cmdline, sysctls, ...)
 *   @@STEP k done
 *   @@STEPINFO k kind=alloc cpu=C ran_on_cpu=C' ran_on_node=N policy=P mode=M nodes=L bytes=B pages=P
 *   @@STEPINFO k kind=free of=S
 *   @@PLACE k node N pages P       move_pages() view of step k's own pages (alloc steps)
 *   @@LIVE k step S node N pages P move_pages() view of every still-mapped region after step k
 *   @@ERROR ...                    something failed (the step is still reported)
 *   @@NOTE ...                     e.g. writing /proc/sys/vm/stat_refresh failed
 * Every snapshot first writes 1 to /proc/sys/vm/stat_refresh (folds the per-cpu vmstat deltas).
 *   @@ALLOC-END
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL
#define MAXSTEPS 64
#define MAXNODES 128                 /* nodes we look at; mask bits passed to set_mempolicy */
#define BATCH 4096                   /* pages per move_pages call */
#define SNAPBUF (8u << 20)           /* all files of one snapshot, read before anything is printed */
#define MAXFILES 512

static const char *policy_names[] = {"default", "preferred", "bind", "interleave", "local",
                                     "preferred-many", "weighted-interleave"};

struct step {
    int kind;                        /* 1 alloc, 2 free */
    int cpu, mode, freeidx;
    unsigned long mask[MAXNODES / 64];
    char nodes[128];
    size_t bytes;
    char *addr;                      /* mapping while live */
};

static struct step steps[MAXSTEPS];
static int nsteps;

/* snapshot buffer: bss, touched once at startup so it never allocates again */
static char snapbuf[SNAPBUF];
static struct { const char *path; size_t off, len; } files[MAXFILES];
static int nfiles;
static size_t snapused;

static void *pagesv[BATCH];
static int status[BATCH];

static int parse_nodes(const char *s, unsigned long *mask)
{
    memset(mask, 0, sizeof(unsigned long) * (MAXNODES / 64));
    if (!strcmp(s, "-"))
        return 0;
    while (*s) {
        char *e;
        long a = strtol(s, &e, 10), b = a;
        if (e == s)
            return -1;
        if (*e == '-') {
            s = e + 1;
            b = strtol(s, &e, 10);
            if (e == s)
                return -1;
        }
        if (a < 0 || b >= MAXNODES || b < a)
            return -1;
        for (long n = a; n <= b; n++)
            mask[n / 64] |= 1UL << (n % 64);
        s = e;
        if (*s == ',')
            s++;
        else if (*s)
            return -1;
    }
    return 0;
}

static void load(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];
    if (!f) {
        printf("@@ERROR cannot open %s: %s\n", path, strerror(errno));
        exit(1);
    }
    while (fgets(line, sizeof line, f)) {
        char *h = strchr(line, '#');
        char w[5][128];
        if (h)
            *h = 0;
        int n = sscanf(line, "%127s %127s %127s %127s %127s", w[0], w[1], w[2], w[3], w[4]);
        if (n <= 0)
            continue;
        if (nsteps == MAXSTEPS) {
            printf("@@ERROR too many steps\n");
            exit(1);
        }
        struct step *s = &steps[nsteps];
        if (!strcmp(w[0], "alloc") && n == 5) {
            s->kind = 1;
            s->cpu = atoi(w[1]);
            s->mode = -1;
            for (int i = 0; i < 7; i++)
                if (!strcmp(w[2], policy_names[i]))
                    s->mode = i;
            snprintf(s->nodes, sizeof s->nodes, "%s", w[3]);
            s->bytes = strtoull(w[4], NULL, 10);
            if (s->mode < 0 || parse_nodes(w[3], s->mask) || s->bytes == 0) {
                printf("@@ERROR bad line: %s", line);
                exit(1);
            }
        } else if (!strcmp(w[0], "free") && n == 2) {
            s->kind = 2;
            s->freeidx = atoi(w[1]);
            if (s->freeidx < 1 || s->freeidx > nsteps || steps[s->freeidx - 1].kind != 1) {
                printf("@@ERROR bad free: %s", line);
                exit(1);
            }
        } else {
            printf("@@ERROR bad line: %s", line);
            exit(1);
        }
        nsteps++;
    }
    fclose(f);
}

/* ---- snapshots ---- */

static void grab(const char *path)
{
    char full[512];
    snprintf(full, sizeof full, "/%s", path);
    int fd = open(full, O_RDONLY);
    if (fd < 0)
        return;                      /* file absent on this kernel: left out */
    size_t start = snapused;
    for (;;) {
        if (snapused >= SNAPBUF) {
            printf("@@ERROR snapshot buffer full at %s\n", path);
            break;
        }
        ssize_t r = read(fd, snapbuf + snapused, SNAPBUF - snapused);
        if (r <= 0)
            break;
        snapused += r;
    }
    close(fd);
    if (nfiles < MAXFILES) {
        files[nfiles].path = strdup(path);
        files[nfiles].off = start;
        files[nfiles].len = snapused - start;
        nfiles++;
    }
}

static int node_ids[MAXNODES], nnodes;

static void scan_nodes(void)
{
    DIR *d = opendir("/sys/devices/system/node");
    struct dirent *e;
    int has[MAXNODES] = {0};
    if (!d)
        return;
    while ((e = readdir(d))) {
        int n;
        char c;
        if (sscanf(e->d_name, "node%d%c", &n, &c) == 1 && n >= 0 && n < MAXNODES)
            has[n] = 1;
    }
    closedir(d);
    nnodes = 0;
    for (int n = 0; n < MAXNODES; n++)
        if (has[n])
            node_ids[nnodes++] = n;
}

static void emit_b64(const unsigned char *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char line[80];
    int k = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = p[i] << 16;
        if (i + 1 < n) v |= p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        line[k++] = tab[(v >> 18) & 63];
        line[k++] = tab[(v >> 12) & 63];
        line[k++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        line[k++] = i + 2 < n ? tab[v & 63] : '=';
        if (k == 76) {
            line[k++] = '\n';
            fwrite(line, 1, k, stdout);
            k = 0;
        }
    }
    if (k) {
        line[k++] = '\n';
        fwrite(line, 1, k, stdout);
    }
}

/* Fold every CPU's pending vmstat differentials into the global counters, so that zoneinfo's
 * "pages free" and /proc/vmstat are exact (they otherwise lag by up to the per-cpu
 * "vm stats threshold" per CPU and item). */
static void stat_refresh(void)
{
    int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
    if (fd < 0 || write(fd, "1\n", 2) != 2)
        printf("@@NOTE stat_refresh: %s\n", strerror(errno));
    if (fd >= 0)
        close(fd);
}

static void snapshot(const char *label, int full)
{
    char p[256];
    stat_refresh();
    snapused = 0;
    for (int i = 0; i < nfiles; i++)
        free((void *)files[i].path);
    nfiles = 0;
    /* the counters first, so that they are as close to the step as possible */
    for (int i = 0; i < nnodes; i++) {
        snprintf(p, sizeof p, "sys/devices/system/node/node%d/numastat", node_ids[i]);
        grab(p);
    }
    grab("proc/zoneinfo");
    grab("proc/buddyinfo");          /* free blocks per zone and order, right after zoneinfo */
    grab("proc/pagetypeinfo");       /* the same per migratetype (root only, mode 0400) */
    grab("proc/vmstat");
    for (int i = 0; i < nnodes; i++) {
        snprintf(p, sizeof p, "sys/devices/system/node/node%d/meminfo", node_ids[i]);
        grab(p);
    }
    grab("proc/meminfo");
    if (full) {
        static const char *rest[] = {"proc/version", "proc/cmdline",
            "sys/devices/system/node/possible", "sys/devices/system/node/online",
            "sys/devices/system/node/has_cpu", "sys/devices/system/node/has_memory",
            "sys/devices/system/node/has_normal_memory", "sys/devices/system/cpu/possible",
            "sys/devices/system/cpu/online", "proc/sys/vm/numa_zonelist_order",
            "proc/sys/vm/zone_reclaim_mode", "proc/sys/vm/min_free_kbytes",
            "proc/sys/vm/watermark_scale_factor", "proc/sys/vm/lowmem_reserve_ratio",
            "proc/sys/vm/percpu_pagelist_high_fraction", "proc/sys/kernel/numa_balancing",
            "sys/kernel/mm/transparent_hugepage/enabled", NULL};
        for (int i = 0; rest[i]; i++)
            grab(rest[i]);
        for (int i = 0; i < nnodes; i++) {
            snprintf(p, sizeof p, "sys/devices/system/node/node%d/distance", node_ids[i]);
            grab(p);
            snprintf(p, sizeof p, "sys/devices/system/node/node%d/cpulist", node_ids[i]);
            grab(p);
            snprintf(p, sizeof p, "sys/kernel/mm/mempolicy/weighted_interleave/node%d", node_ids[i]);
            grab(p);
        }
    }
    printf("@@SNAP-BEGIN %s\n", label);
    for (int i = 0; i < nfiles; i++) {
        printf("@@F %s\n", files[i].path);
        emit_b64((unsigned char *)snapbuf + files[i].off, files[i].len);
        printf("@@FE\n");
    }
    printf("@@SNAP-END %s\n", label);
    fflush(stdout);
}

/* ---- placement via move_pages(pid 0, nodes NULL): status[i] = node of page i ---- */

static void count_nodes(char *addr, size_t bytes, long *cnt, long *bad)
{
    size_t npages = (bytes + PAGE - 1) / PAGE;
    for (size_t i = 0; i < npages; i += BATCH) {
        size_t n = npages - i < BATCH ? npages - i : BATCH;
        for (size_t j = 0; j < n; j++)
            pagesv[j] = addr + (i + j) * PAGE;
        if (syscall(SYS_move_pages, 0, n, pagesv, NULL, status, 0) != 0) {
            printf("@@ERROR move_pages: %s\n", strerror(errno));
            *bad += n;
            continue;
        }
        for (size_t j = 0; j < n; j++) {
            if (status[j] >= 0 && status[j] < MAXNODES)
                cnt[status[j]]++;
            else
                (*bad)++;
        }
    }
}

static void placement(int k)
{
    long cnt[MAXNODES], bad;
    struct step *s = &steps[k - 1];
    if (s->kind == 1 && s->addr) {
        memset(cnt, 0, sizeof cnt);
        bad = 0;
        count_nodes(s->addr, s->bytes, cnt, &bad);
        for (int n = 0; n < MAXNODES; n++)
            if (cnt[n])
                printf("@@PLACE %d node %d pages %ld\n", k, n, cnt[n]);
        if (bad)
            printf("@@PLACE %d unknown pages %ld\n", k, bad);
    }
    for (int i = 0; i < k; i++) {
        if (steps[i].kind != 1 || !steps[i].addr)
            continue;
        memset(cnt, 0, sizeof cnt);
        bad = 0;
        count_nodes(steps[i].addr, steps[i].bytes, cnt, &bad);
        for (int n = 0; n < MAXNODES; n++)
            if (cnt[n])
                printf("@@LIVE %d step %d node %d pages %ld\n", k, i + 1, n, cnt[n]);
        if (bad)
            printf("@@LIVE %d step %d unknown pages %ld\n", k, i + 1, bad);
    }
    fflush(stdout);
}

static void run_step(int k)
{
    struct step *s = &steps[k - 1];
    if (s->kind == 2) {
        struct step *t = &steps[s->freeidx - 1];
        if (t->addr && munmap(t->addr, t->bytes))
            printf("@@ERROR munmap: %s\n", strerror(errno));
        t->addr = NULL;
        printf("@@STEP %d done\n", k);
        printf("@@STEPINFO %d kind=free of=%d\n", k, s->freeidx);
        fflush(stdout);
        return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(s->cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set))
        printf("@@ERROR sched_setaffinity(%d): %s\n", s->cpu, strerror(errno));
    sched_yield();
    int mode = s->mode;
    long r;
    if (mode == 0 || mode == 4)
        r = syscall(SYS_set_mempolicy, mode, NULL, 0UL);
    else
        r = syscall(SYS_set_mempolicy, mode, s->mask, (unsigned long)MAXNODES + 1);
    if (r)
        printf("@@ERROR set_mempolicy(%s, %s): %s\n", policy_names[mode], s->nodes, strerror(errno));
    int gmode = -1;
    unsigned long gmask[MAXNODES / 64] = {0};
    if (syscall(SYS_get_mempolicy, &gmode, gmask, (unsigned long)MAXNODES + 1, NULL, 0UL))
        gmode = -1;
    size_t len = (s->bytes + PAGE - 1) / PAGE * PAGE;
    char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (a == MAP_FAILED) {
        printf("@@ERROR mmap: %s\n", strerror(errno));
        a = NULL;
    } else {
        if (madvise(a, len, MADV_NOHUGEPAGE))
            printf("@@ERROR madvise: %s\n", strerror(errno));
        for (size_t o = 0; o < len; o += PAGE)
            ((volatile char *)a)[o] = 1;
    }
    s->addr = a;
    s->bytes = len;
    unsigned cpu = 0, node = 0;
    syscall(SYS_getcpu, &cpu, &node, NULL);
    syscall(SYS_set_mempolicy, 0, NULL, 0UL);
    printf("@@STEP %d done\n", k);
    printf("@@STEPINFO %d kind=alloc cpu=%d ran_on_cpu=%u ran_on_node=%u policy=%s mode=%d nodes=%s "
           "getmode=%d getmask=%lx bytes=%zu pages=%zu addr=%p\n",
           k, s->cpu, cpu, node, policy_names[mode], mode, s->nodes, gmode, gmask[0], len, len / PAGE,
           (void *)a);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    char label[32];
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    load(argc > 1 ? argv[1] : "/workload.txt");
    memset(snapbuf, 0, sizeof snapbuf);     /* fault the buffers in now, not during a step */
    memset(pagesv, 0, sizeof pagesv);
    memset(status, 0, sizeof status);
    if (mlockall(MCL_CURRENT))
        printf("@@ERROR mlockall: %s\n", strerror(errno));
    scan_nodes();
    printf("@@ALLOC-START nsteps=%d\n", nsteps);
    snapshot("before", 1);
    for (int k = 1; k <= nsteps; k++) {
        run_step(k);
        snprintf(label, sizeof label, "step %d", k);
        snapshot(label, 0);
        placement(k);
    }
    printf("@@ALLOC-END\n");
    fflush(stdout);
    return 0;
}
