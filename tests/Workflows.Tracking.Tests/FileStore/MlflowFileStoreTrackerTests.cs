using Workflows.Engine.Tracking;
using Workflows.Tracking.FileStore;
using Workflows.Tracking.Tests.Support;

namespace Workflows.Tracking.Tests.FileStore;

public sealed class MlflowFileStoreTrackerTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private TempDirectory _temp = null!;
    private FixedTimeProvider _clock = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory();
        _clock = new FixedTimeProvider(Start);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string Root => _temp.Combine("mlruns");

    private MlflowFileStoreTracker NewTracker() => new(new MlflowFileStoreOptions
    {
        RootDirectory = Root,
        UserName = "alice",
        SourceName = "workflows/sft.yaml",
        TimeProvider = _clock,
    });

    private static TrackingRunStart Run(string name, string? parent = null, Dictionary<string, string>? tags = null) =>
        new("persona", name, parent, tags ?? []);

    [Test]
    public async Task StartRunAsync_NewStore_WritesMlflowExperimentAndRunMetaYaml()
    {
        var runId = await NewTracker().StartRunAsync(Run("sft-lora"), CancellationToken.None);

        var rootUri = new Uri(Root).AbsoluteUri;
        Assert.That(File.ReadAllText(Path.Combine(Root, "1", "meta.yaml")), Is.EqualTo(
            $"artifact_location: {rootUri}/1\n" +
            "creation_time: 1700000000000\n" +
            "experiment_id: '1'\n" +
            "last_update_time: 1700000000000\n" +
            "lifecycle_stage: active\n" +
            "name: persona\n"));
        Assert.That(File.ReadAllText(Path.Combine(Root, "1", runId, "meta.yaml")), Is.EqualTo(
            $"artifact_uri: {rootUri}/1/{runId}/artifacts\n" +
            "end_time: null\n" +
            "entry_point_name: ''\n" +
            "experiment_id: '1'\n" +
            "lifecycle_stage: active\n" +
            $"run_id: {runId}\n" +
            "run_name: sft-lora\n" +
            $"run_uuid: {runId}\n" +
            "source_name: ''\n" +
            "source_type: 4\n" +
            "source_version: ''\n" +
            "start_time: 1700000000000\n" +
            "status: 1\n" +
            "tags: []\n" +
            "user_id: alice\n"));
        Assert.That(runId, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(File.ReadAllText(Path.Combine(Root, "0", "meta.yaml")), Does.Contain("name: Default\n"));
        Assert.That(Directory.Exists(Path.Combine(Root, ".trash")), Is.True);
        Assert.That(Directory.Exists(Path.Combine(Root, "1", runId, "artifacts")), Is.True);
    }

    [Test]
    public async Task StartRunAsync_StepRun_WritesSystemTagsRawWithoutNewline()
    {
        var tracker = NewTracker();
        var parent = await tracker.StartRunAsync(Run("sft-lora"), CancellationToken.None);
        var child = await tracker.StartRunAsync(
            Run("train", parent, new() { [MlflowTags.GitCommit] = "abc123", [MlflowTags.RunName] = "ignored" }),
            CancellationToken.None);

        var tags = Path.Combine(Root, "1", child, "tags");
        Assert.That(File.ReadAllText(Path.Combine(tags, "mlflow.parentRunId")), Is.EqualTo(parent));
        Assert.That(File.ReadAllText(Path.Combine(tags, "mlflow.runName")), Is.EqualTo("train"));
        Assert.That(File.ReadAllText(Path.Combine(tags, "mlflow.user")), Is.EqualTo("alice"));
        Assert.That(File.ReadAllText(Path.Combine(tags, "mlflow.source.name")), Is.EqualTo("workflows/sft.yaml"));
        Assert.That(File.ReadAllText(Path.Combine(tags, "mlflow.source.type")), Is.EqualTo("JOB"));
        Assert.That(File.ReadAllText(Path.Combine(tags, "mlflow.source.git.commit")), Is.EqualTo("abc123"));
        Assert.That(File.Exists(Path.Combine(Root, "1", parent, "tags", "mlflow.parentRunId")), Is.False);
    }

    [Test]
    public async Task LogMetricsAsync_SeveralCalls_AppendsTimestampValueStepLines()
    {
        var tracker = NewTracker();
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);

        await tracker.LogMetricsAsync(runId, [
            new MetricPoint("loss", 0.9, 0, Start.AddSeconds(1)),
            new MetricPoint("loss", 1, 1, Start.AddSeconds(2)),
        ], CancellationToken.None);
        await tracker.LogMetricsAsync(runId, [
            new MetricPoint("loss", double.NaN, 2, Start.AddSeconds(3)),
            new MetricPoint("eval/ppl", 1e-5, 2, Start.AddSeconds(3)),
        ], CancellationToken.None);

        var metrics = Path.Combine(Root, "1", runId, "metrics");
        Assert.That(File.ReadAllText(Path.Combine(metrics, "loss")), Is.EqualTo(
            "1700000001000 0.9 0\n1700000002000 1.0 1\n1700000003000 nan 2\n"));
        Assert.That(File.ReadAllText(Path.Combine(metrics, "eval", "ppl")), Is.EqualTo("1700000003000 1e-05 2\n"));
    }

    [Test]
    public async Task LogParamsAsync_LongValueAndUnsafeKey_TruncatesWithMarkerAndSanitisesKey()
    {
        var tracker = NewTracker();
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);

        await tracker.LogParamsAsync(runId, new Dictionary<string, string>
        {
            ["lora.rank"] = "8",
            ["../evil:key"] = "x",
            ["prompt"] = new string('a', 7000),
        }, CancellationToken.None);

        var parameters = Path.Combine(Root, "1", runId, "params");
        Assert.That(File.ReadAllText(Path.Combine(parameters, "lora.rank")), Is.EqualTo("8"));
        Assert.That(File.ReadAllText(Path.Combine(parameters, "__", "evil_key")), Is.EqualTo("x"));
        var prompt = File.ReadAllText(Path.Combine(parameters, "prompt"));
        Assert.That(prompt, Has.Length.EqualTo(6000));
        Assert.That(prompt, Does.EndWith("...[truncated, 7000 chars]"));
    }

    [Test]
    public async Task LogParamsAsync_ChangedValue_ThrowsInvalidParameterValueLikeTheServer()
    {
        var tracker = NewTracker();
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);
        await tracker.LogParamsAsync(runId, new Dictionary<string, string> { ["lr"] = "0.01" }, CancellationToken.None);
        await tracker.LogParamsAsync(runId, new Dictionary<string, string> { ["lr"] = "0.01" }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<MlflowException>(() =>
            tracker.LogParamsAsync(runId, new Dictionary<string, string> { ["lr"] = "0.02" }, CancellationToken.None));

        Assert.That(error!.ErrorCode, Is.EqualTo("INVALID_PARAMETER_VALUE"));
    }

    [Test]
    public async Task EndRunAsync_Finished_RewritesStatusAndEndTimeOnly()
    {
        var tracker = NewTracker();
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);
        var metaPath = Path.Combine(Root, "1", runId, "meta.yaml");
        var before = File.ReadAllText(metaPath);
        _clock.Now = Start.AddSeconds(10);

        await tracker.EndRunAsync(runId, TrackingRunStatus.Finished, CancellationToken.None);

        var expected = before.Replace("end_time: null", "end_time: 1700000010000").Replace("status: 1", "status: 3");
        Assert.That(File.ReadAllText(metaPath), Is.EqualTo(expected));
    }

    [Test]
    public async Task LogArtifactAsync_FileAndFolder_CopiesUnderArtifactPath()
    {
        var tracker = NewTracker();
        var runId = await tracker.StartRunAsync(Run("package"), CancellationToken.None);
        var folder = Directory.CreateDirectory(_temp.Combine("adapter", "nested")).Parent!.FullName;
        File.WriteAllText(Path.Combine(folder, "adapter_config.json"), "{}");
        File.WriteAllText(Path.Combine(folder, "nested", "weights.bin"), "w");
        File.WriteAllText(_temp.Combine("report.md"), "# report");

        await tracker.LogArtifactAsync(runId, folder, "adapter", CancellationToken.None);
        await tracker.LogArtifactAsync(runId, _temp.Combine("report.md"), null, CancellationToken.None);

        var artifacts = Path.Combine(Root, "1", runId, "artifacts");
        Assert.That(File.ReadAllText(Path.Combine(artifacts, "adapter", "adapter_config.json")), Is.EqualTo("{}"));
        Assert.That(File.ReadAllText(Path.Combine(artifacts, "adapter", "nested", "weights.bin")), Is.EqualTo("w"));
        Assert.That(File.ReadAllText(Path.Combine(artifacts, "report.md")), Is.EqualTo("# report"));
        Assert.That(Directory.EnumerateFiles(artifacts, "*.tmp", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task StartRunAsync_SecondTrackerSameExperiment_ReusesExperimentId()
    {
        await NewTracker().StartRunAsync(Run("a"), CancellationToken.None);
        await NewTracker().StartRunAsync(new TrackingRunStart("other", "b", null, new Dictionary<string, string>()), CancellationToken.None);
        var third = await NewTracker().StartRunAsync(Run("c"), CancellationToken.None);

        Assert.That(Directory.Exists(Path.Combine(Root, "1", third)), Is.True);
        Assert.That(File.ReadAllText(Path.Combine(Root, "2", "meta.yaml")), Does.Contain("name: other\n"));
    }

    [Test]
    public async Task LogMetricsAsync_ConcurrentStepsAndTrackers_LosesNoLineAndSharesOneExperiment()
    {
        const int steps = 6;
        const int calls = 50;
        var runIds = await Task.WhenAll(Enumerable.Range(0, steps).Select(i =>
            Task.Run(() => NewTracker().StartRunAsync(Run($"step-{i}"), CancellationToken.None))));
        var tracker = NewTracker();

        await Task.WhenAll(runIds.SelectMany(runId => Enumerable.Range(0, calls).Select(call => Task.Run(async () =>
        {
            await tracker.LogMetricsAsync(runId, [new MetricPoint("loss", call, call, Start)], CancellationToken.None);
            await tracker.SetTagsAsync(runId, new Dictionary<string, string> { [$"t{call % 5}"] = "v" }, CancellationToken.None);
        }))));

        Assert.That(Directory.GetDirectories(Root).Select(Path.GetFileName), Is.EquivalentTo(new[] { "0", "1", ".trash" }));
        foreach (var runId in runIds)
        {
            var lines = File.ReadAllLines(Path.Combine(Root, "1", runId, "metrics", "loss"));
            Assert.That(lines.Select(line => line.Split(' ')[2]).Select(int.Parse).Order(), Is.EqualTo(Enumerable.Range(0, calls)));
        }
    }
}
