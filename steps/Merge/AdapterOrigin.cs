using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Steps.Merge;

/// <summary>What the train step recorded about how an adapter was made (its <c>training_summary.json</c>).</summary>
internal static class AdapterOrigin
{
    /// <summary>True when the adapter was trained over an NF4 base (<c>method: qlora</c>); false when
    /// it was not, or when the folder has no readable summary (an adapter from elsewhere).</summary>
    public static bool IsQuantised(string adapterFolder)
    {
        var path = Path.Combine(adapterFolder, "training_summary.json");
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
