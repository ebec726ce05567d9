using Workflows.Engine.Tracking;
using Workflows.Tracking.Rest;
using Workflows.Tracking.Tests.Support;

namespace Workflows.Tracking.Tests.Rest;

/// <summary>An outage costs one call's retries, not every step's: the circuit opens, later events are
/// spooled without a request, and the server is probed now and then.</summary>
public sealed class MlflowRestTrackerCircuitTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private MlflowTestServer _server = null!;
    private TempDirectory _spool = null!;

    [SetUp]
    public void SetUp()
    {
        _server = new MlflowTestServer();
        _spool = new TempDirectory();
    }

    [TearDown]
    public void TearDown()
    {
        _server.Dispose();
        _spool.Dispose();
    }

    private static TrackingRunStart Run(string name, string? parent = null) => new("persona", name, parent, new Dictionary<string, string>());

    private MlflowRestTracker Tracker(TimeSpan probeInterval, List<string>? warnings = null) =>
        new(TestOptions.Rest(_server.Uri, _spool.Path, retries: 2) with
        {
            Resilience = TestOptions.FastResilience(retries: 2) with { ProbeInterval = probeInterval },
            Warn = warnings is null ? null : warnings.Add,
        });

    [Test]
    public async Task LogMetricsAsync_ServerFailing_TripsTheCircuitSoLaterCallsAndRunsSendNothing()
    {
        var warnings = new List<string>();
        using var tracker = Tracker(TimeSpan.FromHours(1), warnings);
        var workflow = await tracker.StartRunAsync(Run("wf"), CancellationToken.None);
        var train = await tracker.StartRunAsync(Run("train", workflow), CancellationToken.None);
        _server.FailNext(1000, 503);
        var before = _server.Requests.Count;

        await tracker.LogMetricsAsync(train, [new MetricPoint("loss", 0.5, 0, Start)], CancellationToken.None);
        var afterFirst = _server.Requests.Count;
        await tracker.EndRunAsync(train, TrackingRunStatus.Finished, CancellationToken.None);
        var evaluate = await tracker.StartRunAsync(Run("evaluate", workflow), CancellationToken.None);
        await tracker.LogParamsAsync(evaluate, new Dictionary<string, string> { ["k"] = "v" }, CancellationToken.None);
        await tracker.EndRunAsync(evaluate, TrackingRunStatus.Finished, CancellationToken.None);
        await tracker.EndRunAsync(workflow, TrackingRunStatus.Finished, CancellationToken.None);

        Assert.That(afterFirst - before, Is.EqualTo(3), "one call with its two retries");
        Assert.That(_server.Requests.Count, Is.EqualTo(afterFirst), "nothing more reached the server");
        Assert.That(warnings, Has.Count.EqualTo(1));
        var lines = Directory.EnumerateFiles(_spool.Path, "events-*.jsonl").SelectMany(File.ReadLines).ToList();
        Assert.That(lines, Has.Count.EqualTo(6));
    }

    [Test]
    public async Task StartRunAsync_CircuitOpenAndTheProbeAnswers_NewRunsGoToTheServerAgain()
    {
        var warnings = new List<string>();
        using var tracker = Tracker(TimeSpan.Zero, warnings);
        var first = await tracker.StartRunAsync(Run("a"), CancellationToken.None);
        _server.Dead = true;
        await tracker.LogMetricsAsync(first, [new MetricPoint("loss", 0.5, 0, Start)], CancellationToken.None);
        _server.Dead = false;

        var second = await tracker.StartRunAsync(Run("b"), CancellationToken.None);
        await tracker.LogMetricsAsync(first, [new MetricPoint("loss", 0.25, 1, Start)], CancellationToken.None);

        Assert.That(_server.Paths("GET"), Does.Contain("/health"));
        Assert.That(_server.Backend.Runs, Does.ContainKey(second));
        Assert.That(_server.Backend.Runs[first].Metrics, Is.Empty, "a run that started spooling stays in the spool, in order");
        Assert.That(warnings, Has.Count.EqualTo(2));
        Assert.That(warnings[1], Does.Contain("answers again"));
    }
}
