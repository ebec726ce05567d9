using System.Security.Cryptography;
using System.Text;

namespace Workflows.Steps.Datasets;

/// <summary>A seeded SplitMix64 generator whose sequence is fixed by this code alone, not by the .NET
/// version, so seeded steps give byte-identical outputs on every runtime.</summary>
/// <remarks>Seed one per row from (step seed, row id, purpose) with <see cref="For"/>: a row's random
/// choices then do not depend on the rows before it, and inserting a row changes nothing else.</remarks>
public sealed class StableRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator seeded from a hash of the given parts.</summary>
    public static StableRandom For(params object[] parts) => new(Hash(parts));

    /// <summary>A stable 64-bit hash of the parts' invariant string forms.</summary>
    public static ulong Hash(params object[] parts)
    {
        var text = string.Join("\u001f", parts.Select(p => Convert.ToString(p, System.Globalization.CultureInfo.InvariantCulture)));
        return BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive) => maxExclusive <= 0
        ? throw new ArgumentOutOfRangeException(nameof(maxExclusive))
        : (int)(NextUInt64() % (ulong)maxExclusive);

    /// <summary>Fisher–Yates shuffle of <paramref name="items"/> in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
