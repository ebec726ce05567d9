using Workflows.Torch.Adapters;

namespace Workflows.Steps.Merge;

/// <summary>Combinations that would silently produce a wrong adapter, refused with a reason and a way out.</summary>
internal static class AdapterCompatibility
{
    /// <summary>Every problem with combining <paramref name="configs"/> (one per adapter, in order) as
    /// <paramref name="options"/> asks; empty when the combination is sound.</summary>
    public static List<string> Check(MergeOptions options, IReadOnlyList<LoraConfig> configs)
    {
        var problems = new List<string>();
        if (!options.Combines) return problems;
        var method = MergeNames.Of(options.Combination);
        var dora = configs.Select((c, i) => (c, i)).Where(x => x.c.UseDora).Select(x => options.Adapters[x.i]).ToList();
        if (dora.Count > 0)
            problems.Add($"adapters: {string.Join(", ", dora)} {(dora.Count == 1 ? "is a DoRA adapter" : "are DoRA adapters")}; combination {method} cannot combine DoRA " +
                "(its magnitude rescales each row by the norm of the whole update, so no mix of factors matches); merge each DoRA adapter on its own");
        var bases = configs.Select(c => c.BaseModelNameOrPath).Where(b => !string.IsNullOrEmpty(b)).Distinct().ToList();
        if (bases.Count > 1)
            problems.Add($"adapters were trained on different base models ({string.Join(", ", bases)}); combine only adapters of one base");
        var needsEqualRanks = options.Combination is not (CombinationMethod.Cat or CombinationMethod.Svd);
        var ranks = configs.Select(c => c.Rank).Distinct().ToList();
        if (needsEqualRanks && ranks.Count > 1)
            problems.Add($"combination {method} mixes A and B matrices entry by entry, so ranks must be equal; got ranks {string.Join(", ", configs.Select(c => c.Rank))}; use combination: cat or svd");
        return problems;
    }

    /// <summary>The problem when the adapters wrap different layers, or null. One combined adapter
    /// has one rank and one target list, so every source must wrap the same layers.</summary>
    public static string? CheckLayers(MergeOptions options, IReadOnlyList<IReadOnlyList<string>> layers)
    {
        var first = layers[0].ToHashSet();
        for (var i = 1; i < layers.Count; i++)
        {
            if (first.SetEquals(layers[i])) continue;
            var only = layers[i].Except(first).Concat(first.Except(layers[i])).First();
            return $"adapters {options.Adapters[0]} and {options.Adapters[i]} wrap different layers (e.g. {only}); " +
                $"combination {MergeNames.Of(options.Combination)} needs the same target_modules in every adapter";
        }

        return null;
    }
}
