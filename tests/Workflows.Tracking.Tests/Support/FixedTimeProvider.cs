namespace Workflows.Tracking.Tests.Support;

/// <summary>A clock that only moves when told, so file contents can be compared byte for byte.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
