using System.Collections;
using System.Runtime.InteropServices;

namespace Workflows.Torch.Engine;

/// <summary>
/// glibc heap settings under which a training process's resident memory stays close to its live tensors,
/// at no measurable CPU cost. libtorch allocates every CPU tensor with <c>posix_memalign</c>, which in
/// glibc before 2.38 asks for 96 bytes more than the tensor and frees the lead and tail slivers it cuts
/// off. Those slivers land in the per-thread cache (tcache) and the fast bins, where they stay "in use"
/// to the heap and are soon handed out again to small allocations: a freed tensor's block can then no
/// longer merge with its neighbours, and a tensor of the same size never fits the hole it left. Training
/// frees and reallocates thousands of same-sized activations per step, so the heap grew to 2–3× what was
/// alive (measured: 1.24–1.37 GiB resident for ~0.55 GiB of live memory, LoRA on a stories15M-shaped
/// Llama, float32) and kept growing from step to step. With the tcache and fast bins off, slivers merge
/// back at once and holes are reused (0.72–0.73 GiB, flat across steps). Two more settings keep it
/// cheap: a fixed 32 MiB mmap threshold (glibc's own dynamic maximum, reached anyway after the first
/// large free) and a 1 GiB trim threshold, so a compact heap's free top is not handed back to the system
/// and faulted in again every step. Nothing computed changes, only where the bytes live.
/// </summary>
/// <remarks>glibc reads these once, when a process starts (<c>GLIBC_TUNABLES</c>); no call can change the
/// tcache afterwards. So <see cref="Restart"/> replaces the process with itself, the same arguments and
/// environment plus the tunables, before anything else has run.</remarks>
public static class CompactHeap
{
    /// <summary>The settings, as <c>GLIBC_TUNABLES</c> spells them.</summary>
    public const string Tunables = "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824";

    /// <summary>Set to <c>default</c> to keep glibc's own heap settings (no restart).</summary>
    public const string OptOutVariable = "WF_GLIBC_HEAP";

    private const string TunablesVariable = "GLIBC_TUNABLES";

    /// <summary>True when this process started with <see cref="Tunables"/>.</summary>
    public static bool IsActive => (Environment.GetEnvironmentVariable(TunablesVariable) ?? "").Contains(Tunables, StringComparison.Ordinal);

    /// <summary><c>GLIBC_TUNABLES</c> with <see cref="Tunables"/> first; the caller's own settings follow, so they win where both set one.</summary>
    public static string TunablesWith(string? existing) => string.IsNullOrEmpty(existing) ? Tunables : $"{Tunables}:{existing}";

    /// <summary>The environment of a child process that should run with glibc's defaults (no tunables, no restart).</summary>
    public static void KeepDefaults(IDictionary<string, string?> environment)
    {
        environment.Remove(TunablesVariable);
        environment[OptOutVariable] = "default";
    }

    /// <summary>
    /// Replaces this process with itself under <see cref="Tunables"/> (Linux with glibc only, and only when
    /// not already active or opted out with <see cref="OptOutVariable"/>). Returns only when it did not:
    /// false then, and the process goes on with the heap it has (more memory, never a different result).
    /// Call it first thing in <c>Main</c>, before threads, files or output exist.
    /// </summary>
    public static bool Restart()
    {
        if (!OperatingSystem.IsLinux() || IsActive || Environment.GetEnvironmentVariable(OptOutVariable) == "default" || !IsGlibc()) return false;
        try
        {
            var arguments = File.ReadAllText("/proc/self/cmdline").Split('\0');
            var argv = arguments.Take(arguments.Length - 1).Append(null).ToArray();                 // the last entry is empty: cmdline ends with NUL
            var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
                .Where(e => (string)e.Key != TunablesVariable)
                .Select(e => $"{e.Key}={e.Value}")
                .Append($"{TunablesVariable}={TunablesWith(Environment.GetEnvironmentVariable(TunablesVariable))}")
                .Append(null).ToArray();
            execve("/proc/self/exe", argv, environment);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            // fall through: run with the heap as it is
        }

        return false;
    }

    private static bool IsGlibc()
    {
        try
        {
            return gnu_get_libc_version() != IntPtr.Zero;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;                                                                        // musl and others: no GLIBC_TUNABLES
        }
    }

    [DllImport("libc.so.6")]
    private static extern IntPtr gnu_get_libc_version();

    [DllImport("libc.so.6", SetLastError = true)]
    private static extern int execve(string path, string?[] argv, string?[] envp);
}
