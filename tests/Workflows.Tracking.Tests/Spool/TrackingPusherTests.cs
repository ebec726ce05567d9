using Workflows.Engine.Tracking;
using Workflows.Tracking.FileStore;
using Workflows.Tracking.Rest;
using Workflows.Tracking.Spool;
using Workflows.Tracking.Tests.Support;

namespace Workflows.Tracking.Tests.Spool;

public sealed class TrackingPusherTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private MlflowTestServer _server = null!;
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp()
    {
        _server = new MlflowTestServer();
        _temp = new TempDirectory();
    }

    [TearDown]
    public void TearDown()
    {
        _server.Dispose();
        _temp.Dispose();
    }

    private string SpoolDirectory => _temp.Combine("spool");

    private MlflowRestTracker NewTracker() => new(TestOptions.Rest(_server.Uri, SpoolDirectory, retries: 1));

    private static TrackingRunStart Run(string name, string? parent = null) => new("persona", name, parent, new Dictionary<string, string>());

    private static MetricPoint[] Losses(int from, int to) =>
        [.. Enumerable.Range(from, to - from).Select(i => new MetricPoint("loss", 1.0 / (i + 1), i, Start.AddSeconds(i)))];

    private MlflowTestBackend.TestRun ServerRun(string name) => _server.Backend.Runs.Values.Single(r => r.RunName == name);

    /// <summary>A workflow run whose server dies after the first step started: the rest is spooled.</summary>
    private async Task<string> RunWorkflowWithOutageAsync()
    {
        using var tracker = NewTracker();
        var workflow = await tracker.StartRunAsync(Run("sft-lora"), CancellationToken.None);
        var train = await tracker.StartRunAsync(Run("train", workflow), CancellationToken.None);
        await tracker.LogParamsAsync(train, new Dictionary<string, string> { ["lora.rank"] = "8" }, CancellationToken.None);
        await tracker.LogMetricsAsync(train, Losses(0, 3), CancellationToken.None);

        _server.Dead = true;
        await tracker.LogMetricsAsync(train, Losses(3, 6), CancellationToken.None);
        await tracker.EndRunAsync(train, TrackingRunStatus.Finished, CancellationToken.None);
        var evaluate = await tracker.StartRunAsync(Run("evaluate", workflow), CancellationToken.None);
        await tracker.LogParamsAsync(evaluate, new Dictionary<string, string> { ["gates.perplexity.max"] = "20" }, CancellationToken.None);
        File.WriteAllText(_temp.Combine("report.md"), "# fine");
        await tracker.LogArtifactAsync(evaluate, _temp.Combine("report.md"), "reports", CancellationToken.None);
        File.Delete(_temp.Combine("report.md"));
        await tracker.EndRunAsync(evaluate, TrackingRunStatus.Failed, CancellationToken.None);
        await tracker.EndRunAsync(workflow, TrackingRunStatus.Failed, CancellationToken.None);
        _server.Dead = false;
        return workflow;
    }

    [Test]
    public async Task PushSpoolAsync_AfterOutageMidRun_DeliversEverythingInOrder()
    {
        var workflow = await RunWorkflowWithOutageAsync();
        Assert.That(ServerRun("train").Metrics, Has.Count.EqualTo(3));

        var result = await TrackingPusher.PushSpoolAsync(SpoolDirectory, TestOptions.Rest(_server.Uri), CancellationToken.None);

        var train = ServerRun("train");
        Assert.That(train.Metrics.Select(m => m.Step), Is.EqualTo(new long[] { 0, 1, 2, 3, 4, 5 }));
        Assert.That(train.Status, Is.EqualTo("FINISHED"));
        var evaluate = ServerRun("evaluate");
        Assert.That(evaluate.Tags[MlflowTags.ParentRunId], Is.EqualTo(workflow));
        Assert.That(evaluate.Params["gates.perplexity.max"], Is.EqualTo("20"));
        Assert.That(evaluate.Status, Is.EqualTo("FAILED"));
        Assert.That(_server.Backend.Artifacts[$"{evaluate.ExperimentId}/{evaluate.RunId}/artifacts/reports/report.md"], Is.EqualTo("# fine"u8.ToArray()));
        Assert.That(_server.Backend.Runs[workflow].Status, Is.EqualTo("FAILED"));
        Assert.That(result.RunsCreated, Is.EqualTo(1));
        Assert.That(result.MetricsSent, Is.EqualTo(3));
    }

    [Test]
    public async Task PushSpoolAsync_Twice_DuplicatesNothing()
    {
        await RunWorkflowWithOutageAsync();
        await TrackingPusher.PushSpoolAsync(SpoolDirectory, TestOptions.Rest(_server.Uri), CancellationToken.None);
        var runs = _server.Backend.Runs.Count;

        var second = await TrackingPusher.PushSpoolAsync(SpoolDirectory, TestOptions.Rest(_server.Uri), CancellationToken.None);

        Assert.That(_server.Backend.Runs, Has.Count.EqualTo(runs));
        Assert.That(ServerRun("train").Metrics, Has.Count.EqualTo(6));
        Assert.That(second.EventsApplied, Is.Zero);
        Assert.That(second.EventsSkipped, Is.GreaterThan(0));
    }

    [Test]
    public async Task PushSpoolAsync_StateLostAfterPush_FindsRunsByClientIdAndSkipsKnownMetrics()
    {
        await RunWorkflowWithOutageAsync();
        await TrackingPusher.PushSpoolAsync(SpoolDirectory, TestOptions.Rest(_server.Uri), CancellationToken.None);
        foreach (var state in Directory.EnumerateFiles(SpoolDirectory, "push-state-*.json"))
        {
            File.Delete(state);
        }

        var again = await TrackingPusher.PushSpoolAsync(SpoolDirectory, TestOptions.Rest(_server.Uri), CancellationToken.None);

        Assert.That(_server.Backend.Runs.Values.Count(r => r.RunName == "evaluate"), Is.EqualTo(1));
        Assert.That(ServerRun("train").Metrics, Has.Count.EqualTo(6));
        Assert.That((again.RunsFound, again.RunsCreated, again.MetricsSkipped, again.MetricsSent), Is.EqualTo((1, 0, 3, 0)));
    }

    [Test]
    public async Task PushSpoolAsync_ServerDownForTheWholeRun_CreatesParentAndChildWithTheirLink()
    {
        _server.Dead = true;
        using (var tracker = NewTracker())
        {
            var workflow = await tracker.StartRunAsync(Run("sft-lora"), CancellationToken.None);
            var step = await tracker.StartRunAsync(Run("ingest", workflow), CancellationToken.None);
            await tracker.LogMetricsAsync(step, [new MetricPoint("rows", double.NaN, 0, Start)], CancellationToken.None);
            await tracker.EndRunAsync(step, TrackingRunStatus.Finished, CancellationToken.None);
            await tracker.EndRunAsync(workflow, TrackingRunStatus.Finished, CancellationToken.None);
        }

        _server.Dead = false;

        await TrackingPusher.PushSpoolAsync(SpoolDirectory, TestOptions.Rest(_server.Uri), CancellationToken.None);

        var parent = ServerRun("sft-lora");
        var child = ServerRun("ingest");
        Assert.That(child.Tags[MlflowTags.ParentRunId], Is.EqualTo(parent.RunId));
        Assert.That(child.Tags[MlflowTags.User], Is.EqualTo("alice"));
        Assert.That(child.Metrics.Single().Value, Is.NaN);
        Assert.That((parent.Status, child.Status), Is.EqualTo(("FINISHED", "FINISHED")));
    }

    [Test]
    public async Task PushSpoolAsync_ServerStillDown_FailsWithOneLineAndPushesLater()
    {
        await RunWorkflowWithOutageAsync();
        _server.Dead = true;

        var error = await Assert.ThrowsAsync<MlflowException>(() =>
            TrackingPusher.PushSpoolAsync(SpoolDirectory, TestOptions.Rest(_server.Uri, retries: 1), CancellationToken.None));
        _server.Dead = false;
        await TrackingPusher.PushSpoolAsync(SpoolDirectory, TestOptions.Rest(_server.Uri), CancellationToken.None);

        Assert.That(error!.ErrorCode, Is.EqualTo("UNAVAILABLE"));
        Assert.That(error.Message, Does.Not.Contain("\n"));
        Assert.That(ServerRun("train").Metrics, Has.Count.EqualTo(6));
    }

    [Test]
    public async Task PushFileStoreAsync_LocalStore_RecreatesRunsAndIsIdempotent()
    {
        var store = _temp.Combine("mlruns");
        var local = TrackerFactory.CreateFileStore(new MlflowFileStoreOptions { RootDirectory = store, UserName = "carol" });
        var workflow = await local.StartRunAsync(Run("sft-lora"), CancellationToken.None);
        var train = await local.StartRunAsync(Run("train", workflow), CancellationToken.None);
        await local.LogParamsAsync(train, new Dictionary<string, string> { ["lr"] = "0.0002" }, CancellationToken.None);
        await local.LogMetricsAsync(train, Losses(0, 1200), CancellationToken.None);
        File.WriteAllText(_temp.Combine("adapter.bin"), "weights");
        await local.LogArtifactAsync(train, _temp.Combine("adapter.bin"), "adapter", CancellationToken.None);
        await local.EndRunAsync(train, TrackingRunStatus.Finished, CancellationToken.None);
        var localVersion = await local.RegisterModelAsync(train, ModelRegistration.Plain("persona-adapter", "adapter"), CancellationToken.None);

        var first = await TrackingPusher.PushFileStoreAsync(store, TestOptions.Rest(_server.Uri), CancellationToken.None);
        await local.LogMetricsAsync(workflow, [new MetricPoint("duration_s", 12.5, 0, Start)], CancellationToken.None);
        await local.EndRunAsync(workflow, TrackingRunStatus.Finished, CancellationToken.None);
        var second = await TrackingPusher.PushFileStoreAsync(store, TestOptions.Rest(_server.Uri), CancellationToken.None);

        var serverTrain = ServerRun("train");
        var serverWorkflow = ServerRun("sft-lora");
        Assert.That(serverTrain.Tags[MlflowTags.ParentRunId], Is.EqualTo(serverWorkflow.RunId));
        Assert.That(serverTrain.Tags[MlflowTags.ClientRunId], Is.EqualTo(train));
        Assert.That(serverTrain.UserId, Is.EqualTo("carol"));
        Assert.That(serverTrain.Params["lr"], Is.EqualTo("0.0002"));
        Assert.That(serverTrain.Metrics, Has.Count.EqualTo(1200));
        Assert.That(serverTrain.Status, Is.EqualTo("FINISHED"));
        Assert.That(_server.Backend.Artifacts.Keys, Has.One.EndsWith($"{serverTrain.RunId}/artifacts/adapter/adapter.bin"));
        Assert.That(serverWorkflow.Status, Is.EqualTo("FINISHED"));
        Assert.That(serverWorkflow.Metrics, Has.Count.EqualTo(1));
        Assert.That(_server.Backend.Runs, Has.Count.EqualTo(2));
        Assert.That((first.RunsCreated, second.RunsCreated, second.MetricsSent), Is.EqualTo((2, 0, 1)));
        Assert.That(Directory.GetDirectories(store).Select(Path.GetFileName), Is.EquivalentTo(new[] { "0", "1", ".trash" }));
        Assert.That(localVersion, Is.Null);
        Assert.That(_server.Backend.ModelVersions, Does.ContainKey("persona-adapter").WithValue(1));
    }

    [Test]
    public async Task PushSpoolAsync_RegistrationSpooledDuringOutage_RegistersTheVersionOnce()
    {
        using (var tracker = NewTracker())
        {
            var run = await tracker.StartRunAsync(Run("package"), CancellationToken.None);
            _server.Dead = true;
            var version = await tracker.RegisterModelAsync(run, ModelRegistration.Plain("persona-model", "model"), CancellationToken.None);
            Assert.That(version, Is.Null);
        }

        _server.Dead = false;

        await TrackingPusher.PushSpoolAsync(SpoolDirectory, TestOptions.Rest(_server.Uri), CancellationToken.None);
        await TrackingPusher.PushSpoolAsync(SpoolDirectory, TestOptions.Rest(_server.Uri), CancellationToken.None);

        Assert.That(_server.Backend.ModelVersions, Does.ContainKey("persona-model").WithValue(1));
    }
}
