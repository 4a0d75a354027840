/*
 * alloc: runs a memory-allocation workload step by step inside a QEMU guest and records, before the
 * first step and after every step, where the kernel put the pages.
 *
 * Build (static, no libnuma):  gcc -static -O2 -Wall -o alloc alloc.c
 * Usage:                       alloc WORKLOAD.txt
 *
 * Workload text (one step per line, generated from workload.yaml by capture.py; '#' starts a comment):
 *   thp ENABLED DEFRAG              before the first snapshot: /sys/kernel/mm/transparent_hugepage/
 *                                   {enabled,defrag}, khugepaged put to sleep for an hour (off)
 *   weights N:W,N:W                 before the first snapshot: .../mempolicy/weighted_interleave/nodeN
 *   alloc CPU POLICY NODES BYTES [madvise=hugepage|nohugepage|none] [seconds=S]
 *                                   POLICY: default local preferred bind interleave preferred-many
 *                                   weighted-interleave; NODES: node list "0-1,3" or "-" (none);
 *                                   madvise: default nohugepage without a thp line, none with one (a
 *                                   mapping with THP possible is 2 MiB aligned); seconds: the pages are
 *                                   touched at an even rate over S seconds
 *   free N                          munmap the memory of step N (1-based)
 *   online NODE BYTES MODE          hot-add: prints "@@HOTADD k node NODE bytes BYTES" and "@@HOST-STEP h"
 *                                   (h: the hot-adds before it), the host (zonelist run-guest) adds a
 *                                   pc-dimm on NODE through QMP; alloc waits for the new memory blocks
 *                                   and writes MODE (online, online_kernel, online_movable) to each
 *                                   one still offline
 *   idle CPU S                      pinned to CPU (-1: where it is), sleep S seconds
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
 *   @@STEPINFO k kind=online node=N bytes=B blocks=M    kind=idle seconds=S
 *       every STEPINFO ends with t0=NS t1=NS: CLOCK_MONOTONIC (ns) at the step's start and end (the
 *       kernel's vmstat work runs at whole seconds of jiffies, about whole seconds of this clock)
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
#include <sys/klog.h>
#include <sys/syscall.h>
#include <time.h>
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
    int kind;                        /* 1 alloc, 2 free, 3 online, 4 idle */
    int cpu, mode, freeidx;
    int advice;                      /* -1 none, else the madvise() advice */
    double seconds;                  /* alloc: touch pages over this long; idle: sleep this long */
    int node;                        /* online */
    char online[128];               /* online: what is written to a new block's state */
    unsigned long mask[MAXNODES / 64];
    char nodes[128];
    size_t bytes;
    char *addr;                      /* mapping while live */
};

static struct step steps[MAXSTEPS];
static int nsteps;
static char thp_enabled[128], thp_defrag[128], weights[512];   /* set before step 1 */

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
        char w[8][128];
        if (h)
            *h = 0;
        int n = sscanf(line, "%127s %127s %127s %127s %127s %127s %127s %127s", w[0], w[1], w[2], w[3], w[4],
                       w[5], w[6], w[7]);
        if (n <= 0)
            continue;
        if (nsteps == MAXSTEPS) {
            printf("@@ERROR too many steps\n");
            exit(1);
        }
        struct step *s = &steps[nsteps];
        if (!strcmp(w[0], "alloc") && n >= 5) {
            s->kind = 1;
            s->cpu = atoi(w[1]);
            s->mode = -1;
            for (int i = 0; i < 7; i++)
                if (!strcmp(w[2], policy_names[i]))
                    s->mode = i;
            snprintf(s->nodes, sizeof s->nodes, "%s", w[3]);
            s->bytes = strtoull(w[4], NULL, 10);
            int bad = s->mode < 0 || parse_nodes(w[3], s->mask) || s->bytes == 0;
            s->advice = thp_enabled[0] ? -1 : MADV_NOHUGEPAGE;
            for (int i = 5; i < n && !bad; i++) {
                if (!strcmp(w[i], "madvise=nohugepage"))
                    s->advice = MADV_NOHUGEPAGE;
                else if (!strcmp(w[i], "madvise=hugepage"))
                    s->advice = MADV_HUGEPAGE;
                else if (!strcmp(w[i], "madvise=none"))
                    s->advice = -1;
                else if (!strncmp(w[i], "seconds=", 8))
                    bad = (s->seconds = atof(w[i] + 8)) <= 0;
                else
                    bad = 1;
            }
            if (bad) {
                printf("@@ERROR bad line: %s", line);
                exit(1);
            }
        } else if (!strcmp(w[0], "online") && n == 4) {
            s->kind = 3;
            s->node = atoi(w[1]);
            s->bytes = strtoull(w[2], NULL, 10);
            snprintf(s->online, sizeof s->online, "%s", w[3]);
            if (s->node < 0 || s->node >= MAXNODES || s->bytes == 0) {
                printf("@@ERROR bad online: %s", line);
                exit(1);
            }
        } else if (!strcmp(w[0], "idle") && n == 3) {
            s->kind = 4;
            s->cpu = atoi(w[1]);
            if ((s->seconds = atof(w[2])) <= 0) {
                printf("@@ERROR bad idle: %s", line);
                exit(1);
            }
        } else if (!strcmp(w[0], "thp") && n == 3 && nsteps == 0) {
            snprintf(thp_enabled, sizeof thp_enabled, "%s", w[1]);
            snprintf(thp_defrag, sizeof thp_defrag, "%s", w[2]);
            continue;
        } else if (!strcmp(w[0], "weights") && n == 2 && nsteps == 0) {
            snprintf(weights, sizeof weights, "%s", w[1]);
            continue;
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
        /* at most 64 KiB per read: /proc/sys refuses a read of KMALLOC_MAX_SIZE or more
         * (proc_sys_call_handler(): -ENOMEM), which left every sysctl file of the captures
         * before session 8 empty */
        size_t want = SNAPBUF - snapused < 65536 ? SNAPBUF - snapused : 65536;
        ssize_t r = read(fd, snapbuf + snapused, want);
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

/* The kernel log (syslog READ_ALL) as `dmesg` prints it: the "<level>" prefixes dropped. */
static void grab_dmesg(void)
{
    static char kbuf[1 << 20];
    int n = klogctl(3, kbuf, sizeof kbuf);
    if (n <= 0 || nfiles >= MAXFILES)
        return;
    size_t start = snapused;
    for (int i = 0; i < n && snapused < SNAPBUF; i++) {
        if ((i == 0 || kbuf[i - 1] == '\n') && kbuf[i] == '<') {
            int j = i + 1;
            while (j < n && kbuf[j] >= '0' && kbuf[j] <= '9')
                j++;
            if (j < n && kbuf[j] == '>') {
                i = j;
                continue;
            }
        }
        snapbuf[snapused++] = kbuf[i];
    }
    files[nfiles].path = strdup("dmesg");
    files[nfiles].off = start;
    files[nfiles].len = snapused - start;
    nfiles++;
}

/* Every CPU's cache description (what 6.12's PCPF_FREE_HIGH_BATCH is set from). */
static void grab_caches(void)
{
    static const char *names[] = {"level", "type", "size", "shared_cpu_list", "ways_of_associativity",
                                  "number_of_sets", "coherency_line_size", "id", NULL};
    char p[256];
    for (int cpu = 0; cpu < 64; cpu++)
        for (int idx = 0; idx < 8; idx++) {
            snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d", cpu, idx);
            if (access(p, F_OK))
                break;
            for (int i = 0; names[i]; i++) {
                snprintf(p, sizeof p, "sys/devices/system/cpu/cpu%d/cache/index%d/%s", cpu, idx, names[i]);
                grab(p);
            }
        }
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
    /* settings a step can change: THP, the interleave weights, the nodes' memory (hot-add) */
    grab("sys/kernel/mm/transparent_hugepage/enabled");
    for (int i = 0; i < nnodes; i++) {
        snprintf(p, sizeof p, "sys/kernel/mm/mempolicy/weighted_interleave/node%d", node_ids[i]);
        grab(p);
    }
    if (full) {
        static const char *rest[] = {"proc/version", "proc/cmdline",
            "sys/devices/system/node/possible", "sys/devices/system/node/online",
            "sys/devices/system/node/has_cpu", "sys/devices/system/node/has_memory",
            "sys/devices/system/node/has_normal_memory", "sys/devices/system/cpu/possible",
            "sys/devices/system/cpu/online", "proc/sys/vm/numa_zonelist_order",
            "proc/sys/vm/zone_reclaim_mode", "proc/sys/vm/min_free_kbytes",
            "proc/sys/vm/watermark_scale_factor", "proc/sys/vm/lowmem_reserve_ratio",
            "proc/sys/vm/percpu_pagelist_high_fraction", "proc/sys/kernel/numa_balancing",
            "sys/kernel/mm/transparent_hugepage/defrag",
            "sys/kernel/mm/transparent_hugepage/khugepaged/defrag",
            "sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs",
            "sys/kernel/mm/transparent_hugepage/khugepaged/alloc_sleep_millisecs",
            "sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none",
            "proc/sys/vm/stat_interval", "sys/devices/system/memory/block_size_bytes", NULL};
        for (int i = 0; rest[i]; i++)
            grab(rest[i]);
        for (int i = 0; i < nnodes; i++) {
            snprintf(p, sizeof p, "sys/devices/system/node/node%d/distance", node_ids[i]);
            grab(p);
            snprintf(p, sizeof p, "sys/devices/system/node/node%d/cpulist", node_ids[i]);
            grab(p);
        }
        grab_caches();
        grab_dmesg();
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

static unsigned long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (unsigned long long)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static void sleep_ns(unsigned long long ns)
{
    struct timespec t = {ns / 1000000000ULL, ns % 1000000000ULL};
    while (nanosleep(&t, &t) && errno == EINTR)
        ;
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        printf("@@ERROR write %s <- %s: %s\n", path, text, strerror(errno));
    if (fd >= 0)
        close(fd);
}

/* "N:W,N:W" -> /sys/kernel/mm/mempolicy/weighted_interleave/nodeN */
static void set_weights(const char *spec)
{
    char p[128], v[16];
    const char *c = spec;
    while (*c) {
        int node, weight, used;
        if (sscanf(c, "%d:%d%n", &node, &weight, &used) != 2) {
            printf("@@ERROR bad weights %s\n", spec);
            return;
        }
        snprintf(p, sizeof p, "/sys/kernel/mm/mempolicy/weighted_interleave/node%d", node);
        snprintf(v, sizeof v, "%d", weight);
        write_file(p, v);
        c += used;
        if (*c == ',')
            c++;
    }
}

static int count_blocks(void)
{
    DIR *d = opendir("/sys/devices/system/memory");
    struct dirent *e;
    int n = 0;
    if (!d)
        return 0;
    while ((e = readdir(d)))
        n += !strncmp(e->d_name, "memory", 6) && e->d_name[6] >= '0' && e->d_name[6] <= '9';
    closedir(d);
    return n;
}

/* Hot-add: the host adds the DIMM when it reads @@HOST-STEP h; the new blocks are onlined here. */
static int hot_add(int k, struct step *s)
{
    int before = count_blocks(), now = before, waited = 0;
    static int hot_adds;
    printf("@@HOTADD %d node %d bytes %zu\n", k, s->node, s->bytes);
    printf("@@HOST-STEP %d\n", hot_adds++);
    fflush(stdout);
    while (waited < 1200) {                  /* 120 s */
        sleep_ns(100000000ULL);
        waited++;
        now = count_blocks();
        if (now > before && (size_t)(now - before) * 134217728ULL >= s->bytes)
            break;
    }
    if (now == before)
        printf("@@ERROR hot-add: no new memory block\n");
    DIR *d = opendir("/sys/devices/system/memory");
    struct dirent *e;
    char p[300], st[32];
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, "memory", 6) || e->d_name[6] < '0' || e->d_name[6] > '9')
            continue;
        snprintf(p, sizeof p, "/sys/devices/system/memory/%s/state", e->d_name);
        int fd = open(p, O_RDONLY);
        ssize_t r = fd < 0 ? -1 : read(fd, st, sizeof st - 1);
        if (fd >= 0)
            close(fd);
        if (r > 0 && !strncmp(st, "offline", 7))
            write_file(p, s->online);
    }
    if (d)
        closedir(d);
    scan_nodes();
    return now - before;
}

static void touch(char *a, size_t len, double seconds)
{
    unsigned long long start = now_ns(), total = seconds * 1e9;
    size_t npages = len / PAGE;
    for (size_t i = 0; i < npages; i++) {
        ((volatile char *)a)[i * PAGE] = 1;
        if (total && (i & 255) == 255) {
            unsigned long long due = start + total * (i + 1) / npages, t = now_ns();
            if (due > t)
                sleep_ns(due - t);
        }
    }
}

static void run_step(int k)
{
    struct step *s = &steps[k - 1];
    unsigned long long t0 = now_ns();
    if (s->kind == 2) {
        struct step *t = &steps[s->freeidx - 1];
        if (t->addr && munmap(t->addr, t->bytes))
            printf("@@ERROR munmap: %s\n", strerror(errno));
        t->addr = NULL;
        printf("@@STEP %d done\n", k);
        printf("@@STEPINFO %d kind=free of=%d t0=%llu t1=%llu\n", k, s->freeidx, t0, now_ns());
        fflush(stdout);
        return;
    }
    if (s->kind == 3) {
        int blocks = hot_add(k, s);
        printf("@@STEP %d done\n", k);
        printf("@@STEPINFO %d kind=online node=%d bytes=%zu blocks=%d t0=%llu t1=%llu\n", k, s->node, s->bytes,
               blocks, t0, now_ns());
        fflush(stdout);
        return;
    }
    if (s->kind == 4) {
        if (s->cpu >= 0) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(s->cpu, &one);
            if (sched_setaffinity(0, sizeof one, &one))
                printf("@@ERROR sched_setaffinity(%d): %s\n", s->cpu, strerror(errno));
        }
        sleep_ns(s->seconds * 1e9);
        printf("@@STEP %d done\n", k);
        printf("@@STEPINFO %d kind=idle seconds=%g t0=%llu t1=%llu\n", k, s->seconds, t0, now_ns());
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
    size_t huge = 2UL << 20;
    t0 = now_ns();
    int thp = s->advice != MADV_NOHUGEPAGE;
    char *a = mmap(NULL, thp ? len + huge : len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (a == MAP_FAILED) {
        printf("@@ERROR mmap: %s\n", strerror(errno));
        a = NULL;
    } else {
        if (thp) {                           /* 2 MiB aligned, so that every 2 MiB can be one huge page */
            char *al = (char *)(((uintptr_t)a + huge - 1) & ~(uintptr_t)(huge - 1));
            if (al > a)
                munmap(a, al - a);
            munmap(al + len, a + len + huge - (al + len));
            a = al;
        }
        if (s->advice >= 0 && madvise(a, len, s->advice))
            printf("@@ERROR madvise: %s\n", strerror(errno));
        touch(a, len, s->seconds);
    }
    unsigned long long t1 = now_ns();
    s->addr = a;
    s->bytes = len;
    unsigned cpu = 0, node = 0;
    syscall(SYS_getcpu, &cpu, &node, NULL);
    syscall(SYS_set_mempolicy, 0, NULL, 0UL);
    printf("@@STEP %d done\n", k);
    printf("@@STEPINFO %d kind=alloc cpu=%d ran_on_cpu=%u ran_on_node=%u policy=%s mode=%d nodes=%s "
           "getmode=%d getmask=%lx bytes=%zu pages=%zu addr=%p madvise=%s t0=%llu t1=%llu\n",
           k, s->cpu, cpu, node, policy_names[mode], mode, s->nodes, gmode, gmask[0], len, len / PAGE,
           (void *)a, s->advice < 0 ? "none" : s->advice == MADV_HUGEPAGE ? "hugepage" : "nohugepage", t0, t1);
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
    if (thp_enabled[0]) {                    /* khugepaged scans once now, then sleeps an hour */
        write_file("/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs", "3600000");
        write_file("/sys/kernel/mm/transparent_hugepage/khugepaged/alloc_sleep_millisecs", "3600000");
        write_file("/sys/kernel/mm/transparent_hugepage/enabled", thp_enabled);
        write_file("/sys/kernel/mm/transparent_hugepage/defrag", thp_defrag);
    }
    if (weights[0])
        set_weights(weights);
    printf("@@ALLOC-START nsteps=%d\n", nsteps);
    snapshot("before", 1);
    for (int k = 1; k <= nsteps; k++) {
        run_step(k);
        snprintf(label, sizeof label, "step %d", k);
        snapshot(label, steps[k - 1].kind == 3);     /* the whole sysroot again after a hot-add */
        placement(k);
    }
    printf("@@ALLOC-END\n");
    fflush(stdout);
    return 0;
}
