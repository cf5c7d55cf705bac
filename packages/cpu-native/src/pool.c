/*
 * A persistent pool of POSIX threads. A job is published by bumping `generation`; workers spin
 * briefly (a job often follows another within microseconds in a training step) and then sleep
 * on a condition variable. One job runs at a time: a second JavaScript thread (a worker_thread
 * with its own copy of the addon's caller) that finds the pool busy runs its job inline.
 */
#include "flambeau.h"
#include <pthread.h>
#include <stdatomic.h>
#include <immintrin.h>

#define MAX_THREADS 256
#define SPINS 20000

static int requested = 1;         /* threads a job is cut for, the caller included */
static int started = 0;           /* workers created so far (they are never stopped) */
static atomic_flag busy = ATOMIC_FLAG_INIT;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static atomic_uint_fast64_t generation = 0;
static atomic_int remaining = 0;

/* The generation current when each worker was created: it waits for the next one. */
static uint_fast64_t born[MAX_THREADS];

static struct {
  fl_task fn;
  void *ctx;
  int64_t n;
  int parts;
} job;

/* Items of run `q` when n items are cut into `parts` contiguous runs. */
static void run_part(int q) {
  int64_t begin = (job.n * q) / job.parts, end = (job.n * (q + 1)) / job.parts;
  if (begin < end) job.fn(job.ctx, begin, end);
}

static void *worker(void *arg) {
  int index = (int)(intptr_t)arg; /* 1-based: the caller runs part 0 */
  uint_fast64_t seen = born[index];
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
    if (index < job.parts) run_part(index);
    if (atomic_fetch_sub_explicit(&remaining, 1, memory_order_acq_rel) == 1) {
      pthread_mutex_lock(&mu);
      pthread_cond_signal(&done);
      pthread_mutex_unlock(&mu);
    }
  }
  return NULL;
}

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
    born[started + 1] = atomic_load_explicit(&generation, memory_order_relaxed);
    if (pthread_create(&t, &attr, worker, (void *)(intptr_t)(started + 1)) != 0) {
      pthread_attr_destroy(&attr);
      break;
    }
    pthread_attr_destroy(&attr);
    started++;
  }
}

void fl_parallel(int64_t n, fl_task fn, void *ctx) {
  int parts = requested < n ? requested : (int)n;
  if (parts < 2 || atomic_flag_test_and_set_explicit(&busy, memory_order_acquire)) {
    if (n > 0) fn(ctx, 0, n);
    return;
  }
  ensure_workers(parts);
  if (parts > started + 1) parts = started + 1;
  job.fn = fn;
  job.ctx = ctx;
  job.n = n;
  job.parts = parts;
  /* Every started worker wakes for every job (idle ones run no part), so none misses a generation. */
  atomic_store_explicit(&remaining, started, memory_order_relaxed);
  pthread_mutex_lock(&mu);
  atomic_fetch_add_explicit(&generation, 1, memory_order_release);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&mu);
  run_part(0);
  int spins = 0;
  while (atomic_load_explicit(&remaining, memory_order_acquire) > 0 && spins < SPINS) {
    _mm_pause();
    spins++;
  }
  if (atomic_load_explicit(&remaining, memory_order_acquire) > 0) {
    pthread_mutex_lock(&mu);
    while (atomic_load_explicit(&remaining, memory_order_acquire) > 0) pthread_cond_wait(&done, &mu);
    pthread_mutex_unlock(&mu);
  }
  atomic_flag_clear_explicit(&busy, memory_order_release);
}
