namespace Workflows.Engine.Planning;

/// <summary>Which steps a run executes. Default: all, each unless cached.</summary>
public sealed record StepSelection
{
    /// <summary><c>--step S</c>: re-run only S, on its cached inputs.</summary>
    public string? Only { get; init; }

    /// <summary><c>--from S</c>: re-run S and everything downstream of it.</summary>
    public string? From { get; init; }

    /// <summary><c>--force S</c>: ignore the cache for these steps.</summary>
    public IReadOnlySet<string> Force { get; init; } = new HashSet<string>();

    /// <summary>Steps a resumed run already finished: never forced again, whatever the selection says.</summary>
    public IReadOnlySet<string> Completed { get; init; } = new HashSet<string>();

    public static StepSelection All { get; } = new();

    public IEnumerable<string> NamedSteps() => new[] { Only, From }.OfType<string>().Concat(Force);
}
