using NUnit.Framework;
using Workflows.Engine.Execution;
using Workflows.Engine.Tests.Support;
using Workflows.Engine.Tracking;

namespace Workflows.Engine.Tests.Execution;

/// <summary>What a step's MLflow run holds: every output reachable, each metric value once, readable
/// params, and a run for skipped and cached steps too.</summary>
public class TrackingFidelityTests
{
    private const string Chain =
        "api_version: workflows/v1\nname: t\nsteps:\n" +
        "  a: { uses: echo, with: { text: A, nested: { rank: 4 } } }\n" +
        "  b: { uses: echo, with: { text: B, inputs: ['${{ steps.a.outputs.out }}', data/extra] } }\n";

    [SetUp]
    public void Reset() => TestProbe.Reset();

    [Test]
    public async Task Run_SummaryMetricTheStepAlsoLogged_IsRecordedOnce()
    {
        using var project = new TempProject().Write(Chain);
        project.WriteFile("data/extra/value.txt", "x");
        var tracker = new RecordingTracker();
        await project.RunAsync(request: new RunRequest { Tracker = tracker });

        var a = tracker.RunOf("a");
        var keys = tracker.Metrics.Where(m => m.RunId == a).Select(m => m.Metric.Key).ToList();
        Assert.That(keys.Count(k => k == "length"), Is.EqualTo(1));
        Assert.That(keys.Count(k => k == "chars"), Is.EqualTo(1));
    }

    [Test]
    public async Task Run_Params_AreTheReadableOptionsWithInputDigestsAsTags()
    {
        using var project = new TempProject().Write(Chain);
        project.WriteFile("data/extra/value.txt", "x");
        var tracker = new RecordingTracker();
        var record = await project.RunAsync(request: new RunRequest { Tracker = tracker });

        var b = tracker.RunOf("b");
        Assert.That(tracker.Params[b]["inputs"], Is.EqualTo("[\"steps.a.outputs.out\",\"data/extra\"]"));
        Assert.That(tracker.Params[b].Keys, Has.None.Contains("_0_").And.None.Contains("[0]"));
        Assert.That(tracker.Params[b].Values, Has.None.StartWith("sha256:"));
        Assert.That(tracker.Params[tracker.RunOf("a")]["nested.rank"], Is.EqualTo("4"));
        var tags = tracker.Runs[b].Tags;
        Assert.That(tags["wf.input.steps.a.outputs.out"], Is.EqualTo("sha256:" + record.Step("a").Outputs["out"]));
        Assert.That(tags["wf.input.data/extra"], Does.Match("^sha256:[0-9a-f]{64}$"));
    }

    [Test]
    public async Task Run_StructuredWorkflowParam_IsOneJsonValueOnTheWorkflowRun()
    {
        using var project = new TempProject().Write(Chain.Replace("name: t\n", "name: t\nparams: { rank: 4, modules: [q, v] }\n"));
        project.WriteFile("data/extra/value.txt", "x");
        var tracker = new RecordingTracker();
        await project.RunAsync(request: new RunRequest { Tracker = tracker });

        var parent = tracker.Runs.Single(r => r.Value.ParentRunId is null).Key;
        Assert.That(tracker.Params[parent]["params.modules"], Is.EqualTo("[\"q\",\"v\"]"));
        Assert.That(tracker.Params[parent]["params.rank"], Is.EqualTo("4"));
    }

    [Test]
    public async Task Run_Outputs_UploadedUnderTheirNameAndTaggedWithTheirDigest()
    {
        using var project = new TempProject().Write(Chain);
        project.WriteFile("data/extra/value.txt", "x");
        var tracker = new RecordingTracker();
        var record = await project.RunAsync(request: new RunRequest { Tracker = tracker });

        var a = tracker.RunOf("a");
        var uploaded = tracker.ArtifactFiles.Single(f => f.RunId == a);
        Assert.That(uploaded.ArtifactPath, Is.EqualTo("out"));
        Assert.That(File.Exists(Path.Combine(uploaded.LocalPath, "value.txt")), Is.True);
        Assert.That(tracker.Tags[a]["wf.output.out"], Is.EqualTo("sha256:" + record.Step("a").Outputs["out"]));
    }

    [Test]
    public async Task Run_OutputOverUploadLimit_LogsOnlyItsManifestAndSaysWhereTheFilesAre()
    {
        using var project = new TempProject().Write(Chain.Replace("name: t\n", "name: t\ntracking: { upload_max_mb: 0.000001 }\n"));
        project.WriteFile("data/extra/value.txt", "x");
        var tracker = new RecordingTracker();
        var record = await project.RunAsync(request: new RunRequest { Tracker = tracker });

        var a = tracker.RunOf("a");
        var uploaded = tracker.ArtifactFiles.Single(f => f.RunId == a);
        Assert.That(Path.GetFileName(uploaded.LocalPath), Is.EqualTo("manifest.json"));
        Assert.That(uploaded.ArtifactPath, Is.EqualTo("out"));
        Assert.That(tracker.Tags[a]["wf.output.out.not_uploaded"], Does.Contain("upload_max_mb").And.Contain(record.Step("a").Outputs["out"]));
    }

    [Test]
    public async Task Run_UpstreamFailed_SkippedStepGetsAKilledRunWithTheReason()
    {
        using var project = new TempProject().Write(Chain.Replace("text: A,", "fail: true,"));
        project.WriteFile("data/extra/value.txt", "x");
        var tracker = new RecordingTracker();
        await project.RunAsync(request: new RunRequest { Tracker = tracker });

        var b = tracker.RunOf("b");
        Assert.That(tracker.Ended[b], Is.EqualTo(TrackingRunStatus.Killed));
        Assert.That(tracker.Runs[b].Tags["wf.step.state"], Is.EqualTo("skipped"));
        Assert.That(tracker.Runs[b].Tags["wf.skip_reason"], Is.EqualTo("upstream step 'a' failed"));
        Assert.That(tracker.Runs[b].ParentRunId, Is.Not.Null);
    }

    [Test]
    public async Task Run_CacheHit_CarriesTheProducersMetricsAndLinksItsTrackingRun()
    {
        using var project = new TempProject().Write(Chain);
        project.WriteFile("data/extra/value.txt", "x");
        var firstTracker = new RecordingTracker();
        await project.RunAsync(request: new RunRequest { Tracker = firstTracker });
        var tracker = new RecordingTracker();
        var second = await project.RunAsync(request: new RunRequest { Tracker = tracker });

        var a = tracker.RunOf("a");
        Assert.That(tracker.Runs[a].Tags["wf.cached_from_tracking_run"], Is.EqualTo(firstTracker.RunOf("a")));
        Assert.That(tracker.Metrics.Where(m => m.RunId == a).Select(m => m.Metric.Key), Is.EquivalentTo(new[] { "chars", "length" }));
        Assert.That(second.Step("a").Metrics["chars"], Is.EqualTo(1));
        Assert.That(tracker.Tags[a]["wf.output.out"], Does.StartWith("sha256:"));
    }

    [Test]
    public async Task Run_TrackingWarning_SaysTrackingOnce()
    {
        using var project = new TempProject().Write(Chain);
        project.WriteFile("data/extra/value.txt", "x");
        var observer = new WarningObserver();
        await project.RunAsync(request: new RunRequest { Tracker = new FailingTracker(), Observer = observer });

        var tracking = observer.Warnings.Where(w => w.Step == "tracking").Select(w => w.Message).ToList();
        Assert.That(tracking, Is.Not.Empty);
        Assert.That(tracking, Has.All.Not.StartWith("tracking:"));
        Assert.That(tracking[0], Does.Contain("server said no"));
    }

    private sealed class WarningObserver : IRunObserver
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Step, string Message)> Warnings { get; } = new();
        public void RunStarted(Workflows.Engine.Planning.ExecutionPlan plan, Workflows.Engine.Runs.RunRecord record) { }
        public void StepStarted(string step) { }
        public void StepProgress(string step, double fraction, string? status) { }
        public void StepLog(string step, Workflows.Engine.Steps.StepLogLevel level, string message)
        {
            if (level == Workflows.Engine.Steps.StepLogLevel.Warning) Warnings.Enqueue((step, message));
        }
        public void StepFinished(Workflows.Engine.Runs.StepRecord step) { }
        public void RunFinished(Workflows.Engine.Runs.RunRecord record) { }
    }

    private sealed class FailingTracker : ITracker
    {
        public Task<string> StartRunAsync(TrackingRunStart start, CancellationToken cancellationToken) => Task.FromResult("r");
        public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("tracking: server said no");
        public Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task LogArtifactAsync(string runId, string localPath, string? artifactPath, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task EndRunAsync(string runId, TrackingRunStatus status, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task<string?> RegisterModelAsync(string runId, ModelRegistration registration, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
    }
}
