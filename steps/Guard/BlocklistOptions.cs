namespace Workflows.Steps.Guard;

/// <summary>A user category of forbidden content (an entry under <c>blocklists:</c>).</summary>
public sealed record BlocklistOptions
{
    /// <summary>Words or phrases, matched whole and ignoring case. Default: none.</summary>
    public List<string> Words { get; init; } = [];

    /// <summary>.NET regular expressions, matched as written (add <c>(?i)</c> to ignore case). Default: none.</summary>
    public List<string> Patterns { get; init; } = [];
}
