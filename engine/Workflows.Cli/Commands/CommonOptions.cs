using System.CommandLine;

namespace Workflows.Cli.Commands;

/// <summary>Arguments and options shared by several commands, built fresh for each (an option object
/// belongs to one command).</summary>
internal static class CommonOptions
{
    public static Argument<string> WorkflowFile() => new("workflow") { Description = "Path to the workflow YAML file" };

    public static Option<string[]> Set() => new("--set")
    {
        Description = "Override a param: --set params.rank=16 (repeatable)",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>Parses <c>params.x=v</c> (or <c>x=v</c>) pairs; null with a message on a malformed one.</summary>
    public static Dictionary<string, string>? ParseSets(IEnumerable<string>? sets, TextWriter error)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var set in sets ?? [])
        {
            var equals = set.IndexOf('=');
            if (equals <= 0)
            {
                error.WriteLine($"--set '{set}': expected params.NAME=VALUE");
                return null;
            }
            var key = set[..equals];
            if (key.StartsWith("params.", StringComparison.Ordinal)) key = key["params.".Length..];
            result[key] = set[(equals + 1)..];
        }
        return result;
    }
}
