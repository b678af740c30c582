/* bcryptprimitives.dll for Wine 8.0 (Debian 12's), which lacks it: Go's
 * runtime (1.22 and later) loads it from system32 at start-up for
 * ProcessPrng, its source of random bytes, and stops if it is missing.
 * Windows 10 and 11 have it; Wine has it from 9.0 on. This stand-in, built
 * with MinGW-w64 by TestWindowsCommandsUnderWine into a temporary Wine
 * prefix only (never shipped), gives the same bytes Windows' would: the
 * system's random generator, through advapi32's RtlGenRandom. */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T n) {
  while (n > 0) {
    ULONG k = n > 0x40000000 ? 0x40000000 : (ULONG)n;
    if (!RtlGenRandom(data, k))
      return FALSE;
    data += k;
    n -= k;
  }
  return TRUE;
}
