namespace Workflows.Tracking.Rest;

/// <summary>How hard the REST client tries before an event is spooled. Retries happen only for timeouts,
/// connection failures, 429 and 5xx answers; a 4xx answer is final.</summary>
public sealed record MlflowResilienceOptions
{
    /// <summary>Retries after the first attempt. Default 5; range 0–20.</summary>
    public int MaxRetryAttempts { get; init; } = 5;

    /// <summary>First backoff delay; it doubles each retry, with jitter. Default 1 s; 0 disables waiting
    /// (tests).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest backoff delay. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one API call attempt. Default 30 s; range 10 ms–10 min.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one artifact upload attempt (files can be large). Default 10 min.</summary>
    public TimeSpan ArtifactAttemptTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Once a call has failed after its retries, the server counts as down: every later event goes
    /// straight to the spool, and only after this interval is the server probed again (one request, no
    /// retries) before calls resume. Default 30 s; range 0–1 h.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these settings, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxRetryAttempts is < 0 or > 20)
        {
            errors.Add($"max retry attempts must be between 0 and 20, got {MaxRetryAttempts}");
        }

        if (BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            errors.Add($"backoff delays must satisfy 0 <= base ({BaseDelay}) <= max ({MaxDelay})");
        }

        if (ProbeInterval < TimeSpan.Zero || ProbeInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"probe interval must be between 0 and 1 h, got {ProbeInterval}");
        }

        foreach (var (name, timeout) in new[] { ("attempt", AttemptTimeout), ("artifact attempt", ArtifactAttemptTimeout) })
        {
            if (timeout < TimeSpan.FromMilliseconds(10) || timeout > TimeSpan.FromHours(24))
            {
                errors.Add($"{name} timeout must be between 10 ms and 24 h, got {timeout}");
            }
        }

        return errors;
    }
}
