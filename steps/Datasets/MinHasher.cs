namespace Workflows.Steps.Datasets;

/// <summary>MinHash signatures over word shingles, and locality-sensitive-hashing buckets that find
/// candidate near-duplicate pairs without comparing every pair.</summary>
/// <remarks>Text is lower-cased and split on non-letters/digits; shingles are runs of
/// <see cref="ShingleSize"/> words (the whole text when shorter). The estimated Jaccard similarity of two
/// texts is the fraction of equal signature slots. Signatures are split into bands of
/// <see cref="RowsPerBand"/> slots; two texts become candidates when any band matches.</remarks>
public sealed class MinHasher
{
    private readonly ulong[] _seeds;

    public MinHasher(int shingleSize = 3, int signatureSize = 128, int rowsPerBand = 4)
    {
        if (shingleSize < 1) throw new ArgumentOutOfRangeException(nameof(shingleSize));
        if (signatureSize < 1 || signatureSize % rowsPerBand != 0) throw new ArgumentOutOfRangeException(nameof(signatureSize));
        ShingleSize = shingleSize;
        RowsPerBand = rowsPerBand;
        var random = new StableRandom(0x5EED_0F_5EEDUL);
        _seeds = Enumerable.Range(0, signatureSize).Select(_ => random.NextUInt64()).ToArray();
    }

    public int ShingleSize { get; }

    public int RowsPerBand { get; }

    public int SignatureSize => _seeds.Length;

    public ulong[] Signature(string text)
    {
        var signature = new ulong[_seeds.Length];
        Array.Fill(signature, ulong.MaxValue);
        foreach (var shingle in Shingles(text))
        {
            for (var i = 0; i < _seeds.Length; i++)
            {
                var h = Mix(shingle ^ _seeds[i]);
                if (h < signature[i]) signature[i] = h;
            }
        }
        return signature;
    }

    /// <summary>Estimated Jaccard similarity of the two texts' shingle sets.</summary>
    public static double Similarity(ulong[] a, ulong[] b)
    {
        var equal = 0;
        for (var i = 0; i < a.Length; i++) if (a[i] == b[i]) equal++;
        return (double)equal / a.Length;
    }

    /// <summary>One key per band; texts sharing any key are near-duplicate candidates.</summary>
    public IEnumerable<ulong> BandKeys(ulong[] signature)
    {
        for (var band = 0; band * RowsPerBand < signature.Length; band++)
        {
            var key = (ulong)band * 0x9E3779B97F4A7C15UL;
            for (var r = 0; r < RowsPerBand; r++) key = Mix(key ^ signature[band * RowsPerBand + r]);
            yield return key;
        }
    }

    /// <summary>Index pairs (i &lt; j) whose signatures share a band and whose estimated similarity is
    /// at least <paramref name="threshold"/>, in ascending order.</summary>
    /// <param name="signatures">One signature per text, from <see cref="Signature"/>.</param>
    /// <param name="threshold">Smallest estimated similarity reported, 0 to 1.</param>
    /// <param name="isCandidate">Optional filter applied before comparing signatures (e.g. "in different
    /// splits"); pairs it rejects are never compared, which keeps large duplicate clusters cheap.</param>
    public IReadOnlyList<(int First, int Second)> NearPairs(IReadOnlyList<ulong[]> signatures, double threshold,
        Func<int, int, bool>? isCandidate = null)
    {
        var buckets = new Dictionary<ulong, List<int>>();
        for (var i = 0; i < signatures.Count; i++)
        {
            foreach (var key in BandKeys(signatures[i]))
            {
                if (!buckets.TryGetValue(key, out var members)) buckets[key] = members = [];
                members.Add(i);
            }
        }
        var seen = new HashSet<(int, int)>();
        var pairs = new List<(int, int)>();
        foreach (var members in buckets.Values)
            for (var a = 0; a < members.Count; a++)
                for (var b = a + 1; b < members.Count; b++)
                {
                    var pair = (members[a], members[b]);
                    if ((isCandidate is null || isCandidate(pair.Item1, pair.Item2)) && seen.Add(pair) &&
                        Similarity(signatures[pair.Item1], signatures[pair.Item2]) >= threshold)
                        pairs.Add(pair);
                }
        pairs.Sort();
        return pairs;
    }

    private IEnumerable<ulong> Shingles(string text)
    {
        var words = Words(text);
        if (words.Count == 0) yield break;
        var size = Math.Min(ShingleSize, words.Count);
        for (var start = 0; start + size <= words.Count; start++)
        {
            var h = 0xCBF29CE484222325UL;
            for (var w = start; w < start + size; w++) h = Mix(h ^ words[w]);
            yield return h;
        }
    }

    private static List<ulong> Words(string text)
    {
        var words = new List<ulong>();
        var h = 0xCBF29CE484222325UL;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                h = (h ^ char.ToLowerInvariant(c)) * 0x100000001B3UL;
                inWord = true;
            }
            else if (inWord)
            {
                words.Add(h);
                h = 0xCBF29CE484222325UL;
                inWord = false;
            }
        }
        if (inWord) words.Add(h);
        return words;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
