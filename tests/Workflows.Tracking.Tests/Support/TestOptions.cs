using Workflows.Tracking.Rest;

namespace Workflows.Tracking.Tests.Support;

internal static class TestOptions
{
    /// <summary>Real retries and timeouts, with backoffs of a millisecond so tests stay fast.</summary>
    public static MlflowResilienceOptions FastResilience(int retries = 3, int attemptTimeoutMs = 2000) => new()
    {
        MaxRetryAttempts = retries,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(5),
        AttemptTimeout = TimeSpan.FromMilliseconds(attemptTimeoutMs),
        ArtifactAttemptTimeout = TimeSpan.FromMilliseconds(attemptTimeoutMs),
    };

    public static MlflowRestOptions Rest(Uri server, string? spool = null, int retries = 3, int attemptTimeoutMs = 2000) => new()
    {
        TrackingUri = server,
        UserName = "alice",
        SpoolDirectory = spool,
        Resilience = FastResilience(retries, attemptTimeoutMs),
    };
}
