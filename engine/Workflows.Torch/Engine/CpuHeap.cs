using System.Runtime.InteropServices;

namespace Workflows.Torch.Engine;

/// <summary>
/// How the C heap that holds libtorch's CPU tensors gives memory back. glibc serves blocks below its
/// mmap threshold from a heap it rarely returns to the system, and raises that threshold (up to 32 MiB)
/// each time a larger block is freed; training allocates and frees thousands of 1–30 MiB activations
/// per step, so without this the process keeps a high-water mark far above what is alive (measured:
/// 1.4 GiB resident for ~0.6 GiB of live tensors on a stories15M-shaped LoRA step). A fixed threshold
/// makes every block of at least <see cref="ReleaseThreshold"/> its own mapping, returned when freed:
/// resident memory then follows the live tensors (0.57 GiB there), at the price of mapping and zeroing
/// fresh pages for each block (about a third more CPU time in that step), so training does not turn it
/// on by itself (it runs under <see cref="CompactHeap"/>, which removes most of the overhead at no CPU cost);
/// <c>wf bench train --heap release</c> measures it. Nothing computed changes, only where
/// the bytes live.
/// </summary>
public static partial class CpuHeap
{
    /// <summary>Blocks of this size or more are mapped and unmapped on their own: 1 MiB.</summary>
    public const int ReleaseThreshold = 1 << 20;

    private const int MmapThreshold = -3;                                                          // M_MMAP_THRESHOLD in glibc's malloc.h

    /// <summary>Applies <paramref name="threshold"/> to this process's C heap; false where it cannot
    /// (not Linux, or a C library without <c>mallopt</c>), which costs memory, never correctness.</summary>
    public static bool ReturnLargeBlocks(int threshold = ReleaseThreshold)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return mallopt(MmapThreshold, threshold) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Back to blocks below 32 MiB from the heap (glibc's largest dynamic threshold, where a
    /// training process settles without <see cref="ReturnLargeBlocks"/>).</summary>
    public static bool KeepBlocks() => ReturnLargeBlocks(32 << 20);

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);
}
