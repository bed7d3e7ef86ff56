/* fault_cost: what one page fault costs on this machine (issue 13: start-up is mostly page faults).
 *
 * Usage: fault_cost FILE [PAGES]   (FILE: any file of at least 5 x PAGES x 4 KiB, in the page cache)
 * Prints the mean time per fault, over PAGES pages each (default 2000), of
 *   - a first write to fresh anonymous memory (the kernel zeroes a page),
 *   - a first read of a private file mapping, one page in five (the kernel maps
 *     the page-cache pages around it too: fault-around),
 *   - a first write to a private file mapping (copy on write: a relocated
 *     data page of a position-independent executable is this).
 * The start-up of a process is tens to hundreds of such faults; on a
 * virtual machine with shadow paging each costs ten times what it does on
 * bare metal (docs/benchmarks.md). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: fault_cost FILE [PAGES]\n");
    return 2;
  }
  const long pages = argc > 2 ? atol(argv[2]) : 2000;
  const long page = 4096;
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0 || pages <= 0 || lseek(fd, 0, SEEK_END) < 5 * pages * page) {
    fprintf(stderr, "fault_cost: %s: cannot be read, or smaller than 5 x %ld pages\n", argv[1], pages);
    return 2;
  }
  volatile char sink = 0;
  char* anon = mmap(NULL, (size_t)(pages * page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char* file = mmap(NULL, (size_t)(5 * pages * page), PROT_READ, MAP_PRIVATE, fd, 0);
  char* cow = mmap(NULL, (size_t)(pages * page), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (anon == MAP_FAILED || file == MAP_FAILED || cow == MAP_FAILED) {
    perror("fault_cost: mmap");
    return 2;
  }
  for (long i = 0; i < pages; i += 64) sink += cow[i * page];   /* page cache warm, COW pages not yet written */
  double t = now_us();
  for (long i = 0; i < pages; ++i) anon[i * page] = 1;
  printf("anonymous write fault   %6.2f us/fault\n", (now_us() - t) / (double)pages);
  t = now_us();
  for (long i = 0; i < pages; ++i) sink += file[i * 5 * page];
  printf("file read (fault-around) %5.2f us/fault\n", (now_us() - t) / (double)pages);
  t = now_us();
  for (long i = 0; i < pages; ++i) cow[i * page] = 1;
  printf("copy-on-write fault     %6.2f us/fault\n", (now_us() - t) / (double)pages);
  (void)sink;
  return 0;
}
