namespace Workflows.Steps.Guard.GuardModel;

/// <summary>The hazard categories of Llama Guard 3 (MLCommons taxonomy), by code.</summary>
internal static class SafetyTaxonomy
{
    public static readonly IReadOnlyDictionary<string, string> Categories = new Dictionary<string, string>
    {
        ["S1"] = "Violent Crimes", ["S2"] = "Non-Violent Crimes", ["S3"] = "Sex Crimes", ["S4"] = "Child Exploitation",
        ["S5"] = "Defamation", ["S6"] = "Specialized Advice", ["S7"] = "Privacy", ["S8"] = "Intellectual Property",
        ["S9"] = "Indiscriminate Weapons", ["S10"] = "Hate", ["S11"] = "Self-Harm", ["S12"] = "Sexual Content",
        ["S13"] = "Elections", ["S14"] = "Code Interpreter Abuse",
    };

    /// <summary>All codes, S1 to S14.</summary>
    public static IReadOnlyList<string> Codes => [.. Categories.Keys];
}
