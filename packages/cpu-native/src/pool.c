/*
 * A persistent pool of POSIX threads. A job is cut into parts (contiguous runs of items) that
 * threads claim one at a time from a counter, the caller included, so a worker the OS runs late
 * holds no one up: the caller takes the parts nobody has claimed and waits only for parts that
 * are running. Workers spin briefly for the next job (one often follows within microseconds in a
 * training step), then sleep on a condition variable. One job runs at a time: a second JavaScript
 * thread (a worker_thread with the addon loaded) that finds the pool busy runs its job inline.
 */
#include "flambeau.h"
#include <pthread.h>
#include <stdatomic.h>
#include <immintrin.h>

#define MAX_THREADS 256
#define SPINS 20000
/* Parts per thread: enough that a late or slow thread leaves little behind. */
#define PARTS_PER_THREAD 4

static int requested = 1;         /* threads a job is cut for, the caller included */
static int started = 0;           /* workers created so far (they are never stopped) */
static atomic_flag busy = ATOMIC_FLAG_INIT;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static atomic_uint_fast64_t generation = 0;

/*
 * The one job slot. Claims go through `ticket`: the job's generation (high 32 bits), its part
 * count (16 bits) and the next unclaimed part (16 bits), advanced by compare-and-swap only while
 * parts remain. A thread that woke for an earlier job, or still loops after this one's last part,
 * cannot claim anything but a part of the job published with the ticket it read, and the fields
 * below, written before that ticket (release), stay fixed until every part of it is done.
 */
static struct {
  fl_task fn;
  void *ctx;
  int64_t n;
  atomic_uint_fast64_t ticket;
  atomic_int done;
} job = { NULL, NULL, 0, 0, 0 };

/* Claims and runs parts until none is left. */
static void run_parts(void) {
  uint_fast64_t t = atomic_load_explicit(&job.ticket, memory_order_acquire);
  for (;;) {
    int q = (int)(t & 0xffff), parts = (int)((t >> 16) & 0xffff);
    if (q >= parts) return;
    if (!atomic_compare_exchange_weak_explicit(&job.ticket, &t, t + 1, memory_order_acq_rel, memory_order_acquire)) continue;
    int64_t begin = (job.n * q) / parts, end = (job.n * (q + 1)) / parts;
    if (begin < end) job.fn(job.ctx, begin, end);
    /* The last part wakes the caller; taking the mutex orders the signal after its check. */
    if (atomic_fetch_add_explicit(&job.done, 1, memory_order_acq_rel) == parts - 1) {
      pthread_mutex_lock(&mu);
      pthread_cond_signal(&finished);
      pthread_mutex_unlock(&mu);
    }
    t = atomic_load_explicit(&job.ticket, memory_order_acquire);
  }
}

static void *worker(void *arg) {
  uint_fast64_t seen = (uint_fast64_t)(uintptr_t)arg;
  for (;;) {
    uint_fast64_t g;
    int spins = 0;
    while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen && spins < SPINS) {
      _mm_pause();
      spins++;
    }
    if (g == seen) {
      pthread_mutex_lock(&mu);
      while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen) pthread_cond_wait(&wake, &mu);
      pthread_mutex_unlock(&mu);
    }
    seen = g;
    run_parts();
  }
  return NULL;
}

static int64_t parallel_min = 1 << 18;

int64_t fl_parallel_min(void) { return parallel_min; }
void fl_set_parallel_min(int64_t n) { parallel_min = n < 0 ? 0 : n; }

int fl_threads(void) { return requested; }

void fl_set_threads(int n) {
  if (n < 1) n = 1;
  if (n > MAX_THREADS) n = MAX_THREADS;
  requested = n;
}

/* Starts workers up to `n - 1`; called with the pool held, so no job is running. */
static void ensure_workers(int n) {
  while (started < n - 1) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* A new worker waits for the next generation, not the current one. */
    void *born = (void *)(uintptr_t)atomic_load_explicit(&generation, memory_order_relaxed);
    int failed = pthread_create(&t, &attr, worker, born) != 0;
    pthread_attr_destroy(&attr);
    if (failed) break;
    started++;
  }
}

void fl_parallel(int64_t n, fl_task fn, void *ctx) {
  if (requested < 2 || n < 2 || atomic_flag_test_and_set_explicit(&busy, memory_order_acquire)) {
    if (n > 0) fn(ctx, 0, n);
    return;
  }
  ensure_workers(requested);
  int64_t most = (int64_t)PARTS_PER_THREAD * requested;
  int parts = (int)(n < most ? n : most);
  job.fn = fn;
  job.ctx = ctx;
  job.n = n;
  atomic_store_explicit(&job.done, 0, memory_order_relaxed);
  uint_fast64_t g = atomic_load_explicit(&generation, memory_order_relaxed) + 1;
  atomic_store_explicit(&job.ticket, ((g & 0xffffffffu) << 32) | ((uint_fast64_t)parts << 16), memory_order_release);
  pthread_mutex_lock(&mu);
  atomic_store_explicit(&generation, g, memory_order_release);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&mu);
  run_parts();
  /* Every part is claimed: wait for the ones other threads are still running. */
  int spins = 0;
  while (atomic_load_explicit(&job.done, memory_order_acquire) < parts && spins < SPINS) {
    _mm_pause();
    spins++;
  }
  if (atomic_load_explicit(&job.done, memory_order_acquire) < parts) {
    pthread_mutex_lock(&mu);
    while (atomic_load_explicit(&job.done, memory_order_acquire) < parts) pthread_cond_wait(&finished, &mu);
    pthread_mutex_unlock(&mu);
  }
  atomic_flag_clear_explicit(&busy, memory_order_release);
}
