using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Torch.Adapters;

namespace Workflows.Steps.Adapters;

/// <summary>
/// Which base an adapter runs on in evaluate, guard and merge: by default the one it was trained on
/// (the NF4 base its <c>adapter_config.json</c> records for QLoRA, else full precision), so every
/// step measures and ships the model that was trained. The full-precision base is an explicit choice
/// (<c>quantised_base: false</c>), and is then said so in logs and reports.
/// </summary>
public static class AdapterBase
{
    /// <summary>The train step's report beside an adapter.</summary>
    public const string SummaryFile = "training_summary.json";

    /// <summary>The NF4 settings to rebuild the base with, or null for the full-precision base.</summary>
    /// <param name="adapterFolder">The adapter (for messages and its training summary).</param>
    /// <param name="config">Its <c>adapter_config.json</c>.</param>
    /// <param name="quantisedBase">null: as recorded; false: full precision; true: as recorded, and a record is required.</param>
    /// <exception cref="AdapterConfigException">The adapter claims QLoRA but records no quantisation, or
    /// <paramref name="quantisedBase"/> is true and there is no record.</exception>
    public static Nf4Options? Resolve(string adapterFolder, LoraConfig config, bool? quantisedBase)
    {
        if (quantisedBase == false) return null;
        if (config.BaseQuantization is { } recorded) return recorded;
        if (ClaimsQlora(adapterFolder))
            throw new AdapterConfigException($"{adapterFolder}: {SummaryFile} says method qlora, but {PeftAdapterFiles.ConfigFile} records no {Nf4Record.Key}, " +
                "so the NF4 base it was trained on cannot be rebuilt; re-train it with this version, or set quantised_base: false to use the full-precision base (said so in the report)");
        if (quantisedBase == true)
            throw new AdapterConfigException($"{adapterFolder}: quantised_base is true but {PeftAdapterFiles.ConfigFile} records no {Nf4Record.Key}; " +
                "only adapters trained with method: qlora record their NF4 base; remove quantised_base");
        return null;
    }

    /// <summary>How the base is described in logs and reports.</summary>
    public static string Describe(LoraConfig config, Nf4Options? used) => (used, config.BaseQuantization) switch
    {
        ({ } nf4, _) => $"NF4 base as trained ({Nf4Record.Describe(nf4)})",
        (null, { } trained) => $"full-precision base, chosen with quantised_base: false (the adapter was trained on an {Nf4Record.Describe(trained)} base)",
        _ => "full-precision base",
    };

    // The train step writes method: qlora into the summary; an adapter from elsewhere has none.
    private static bool ClaimsQlora(string adapterFolder)
    {
        var path = Path.Combine(adapterFolder, SummaryFile);
        if (!File.Exists(path)) return false;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["method"]?.GetValue<string>() == "qlora";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
