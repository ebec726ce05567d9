namespace Workflows.Steps.Merge;

/// <summary>The YAML spelling of a combination method, for messages.</summary>
internal static class MergeNames
{
    public static string Of(CombinationMethod method) => method switch
    {
        CombinationMethod.DareLinear => "dare_linear",
        CombinationMethod.DareTies => "dare_ties",
        _ => method.ToString().ToLowerInvariant(),
    };
}
