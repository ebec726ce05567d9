using NUnit.Framework;
using Workflows.Engine.Execution;
using Workflows.Engine.Tests.Support;
using Workflows.Engine.Tracking;

namespace Workflows.Engine.Tests.Execution;

/// <summary>What a run records through the tracking interface: a parent run, one nested run per step.</summary>
public class TrackingTests
{
    private const string Workflow = "api_version: workflows/v1\nname: t\ntracking: { experiment: exp }\nsteps:\n  a: { uses: echo, with: { text: A, nested: { rank: 4 } } }\n  b: { uses: echo, with: { fail: true, inputs: ['${{ steps.a.outputs.out }}'] } }\n";

    [SetUp]
    public void Reset() => TestProbe.Reset();

    [Test]
    public async Task Run_StepsAreNestedRunsWithOptionsAsParamsAndStatus()
    {
        using var project = new TempProject().Write(Workflow);
        var tracker = new RecordingTracker();
        var record = await project.RunAsync(request: new RunRequest { Tracker = tracker });

        var parent = tracker.Runs.Single(r => r.Value.ParentRunId is null);
        Assert.That(parent.Value.Experiment, Is.EqualTo("exp"));
        Assert.That(parent.Value.Tags["wf.run_id"], Is.EqualTo(record.Id));
        Assert.That(tracker.Ended[parent.Key], Is.EqualTo(TrackingRunStatus.Failed));

        var a = tracker.RunOf("a");
        Assert.That(tracker.Runs[a].ParentRunId, Is.EqualTo(parent.Key));
        Assert.That(tracker.Params[a]["nested.rank"], Is.EqualTo("4"));
        Assert.That(tracker.Runs[a].Tags["wf.step.fingerprint"], Is.EqualTo(record.Step("a").Fingerprint));
        Assert.That(tracker.Ended[a], Is.EqualTo(TrackingRunStatus.Finished));
        Assert.That(tracker.Metrics.Where(m => m.RunId == a).Select(m => m.Metric.Key), Does.Contain("length").And.Contain("chars"));
        Assert.That(tracker.Ended[tracker.RunOf("b")], Is.EqualTo(TrackingRunStatus.Failed));
    }

    [Test]
    public async Task Run_CacheHit_IsStillARunTaggedCachedAndLinkedToItsProducer()
    {
        using var project = new TempProject().Write(Workflow.Replace("fail: true", "text: B"));
        var first = await project.RunAsync();
        var tracker = new RecordingTracker();
        await project.RunAsync(request: new RunRequest { Tracker = tracker });

        var a = tracker.Runs[tracker.RunOf("a")];
        Assert.That(a.Tags["wf.cached"], Is.EqualTo("true"));
        Assert.That(a.Tags["wf.cached_from_run"], Is.EqualTo(first.Id));
    }

    [Test]
    public async Task Run_TrackerThatFails_DoesNotFailTheRun()
    {
        using var project = new TempProject().Write(Workflow.Replace("fail: true", "text: B"));
        var record = await project.RunAsync(request: new RunRequest { Tracker = new BrokenTracker() });
        Assert.That(record.Status, Is.EqualTo(Workflows.Engine.Runs.RunStatus.Succeeded));
    }

    private sealed class BrokenTracker : ITracker
    {
        public Task<string> StartRunAsync(TrackingRunStart start, CancellationToken cancellationToken) => throw new IOException("disk full");
        public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken) => throw new IOException("disk full");
        public Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken cancellationToken) => throw new IOException("disk full");
        public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) => throw new IOException("disk full");
        public Task LogArtifactAsync(string runId, string localPath, string? artifactPath, CancellationToken cancellationToken) => throw new IOException("disk full");
        public Task EndRunAsync(string runId, TrackingRunStatus status, CancellationToken cancellationToken) => throw new IOException("disk full");
        public Task<string?> RegisterModelAsync(string runId, ModelRegistration registration, CancellationToken cancellationToken) => throw new IOException("disk full");
    }
}
