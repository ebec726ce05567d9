namespace Workflows.Tracking.Git;

/// <summary>A value, or the one-line reason there is none. Expected failures (no repository, no
/// commits, an unknown ref) are outcomes, not exceptions.</summary>
public sealed record GitOutcome<T>
{
    private GitOutcome(T? value, string? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value; null when <see cref="Error"/> is set.</summary>
    public T? Value { get; }

    /// <summary>Why there is no value: one line, saying what to do.</summary>
    public string? Error { get; }

    /// <summary>True when <see cref="Value"/> is set.</summary>
    public bool Succeeded => Error is null;

    /// <summary>Wraps a value.</summary>
    public static GitOutcome<T> Success(T value) => new(value, null);

    /// <summary>Wraps an error.</summary>
    public static GitOutcome<T> Failure(string error) => new(default, error);
}
