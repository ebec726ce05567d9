using System.Text.Json.Nodes;
using Workflows.Engine.Tracking;
using Workflows.Tracking.Rest;
using Workflows.Tracking.Tests.Support;

namespace Workflows.Tracking.Tests.Rest;

public sealed class MlflowRestTrackerTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private MlflowTestServer _server = null!;

    [SetUp]
    public void SetUp() => _server = new MlflowTestServer();

    [TearDown]
    public void TearDown() => _server.Dispose();

    private static TrackingRunStart Run(string name, string? parent = null) => new("persona", name, parent, new Dictionary<string, string>());

    private MlflowRestTracker NewTracker(int retries = 3, int attemptTimeoutMs = 2000) =>
        new(TestOptions.Rest(_server.Uri, retries: retries, attemptTimeoutMs: attemptTimeoutMs));

    private IEnumerable<JsonObject> Bodies(string path) =>
        _server.Requests.Where(r => r.Path.StartsWith(path, StringComparison.Ordinal) && r.Body.Length > 0).Select(r => JsonNode.Parse(r.Body)!.AsObject());

    [Test]
    public async Task StartRunAsync_NewExperiment_LooksUpByNameThenCreatesAndNamesTheRun()
    {
        using var tracker = NewTracker();

        var runId = await tracker.StartRunAsync(Run("sft-lora"), CancellationToken.None);

        Assert.That(_server.Requests.Select(r => r.Path.Split('?')[0]), Is.EqualTo(new[]
        {
            "/api/2.0/mlflow/experiments/get-by-name", "/api/2.0/mlflow/experiments/create", "/api/2.0/mlflow/runs/create",
        }));
        var create = Bodies("/api/2.0/mlflow/runs/create").Single();
        Assert.That((string?)create["run_name"], Is.EqualTo("sft-lora"));
        Assert.That((string?)create["user_id"], Is.EqualTo("alice"));
        var run = _server.Backend.Runs[runId];
        Assert.That(run.Tags, Does.ContainKey(MlflowTags.RunName).WithValue("sft-lora"));
        Assert.That(run.Tags, Does.ContainKey(MlflowTags.User).WithValue("alice"));
        Assert.That(run.Tags, Does.ContainKey(MlflowTags.SourceType).WithValue("JOB"));
        Assert.That(run.Tags[MlflowTags.ClientRunId], Does.Match("^[0-9a-f]{32}$"));
        Assert.That(_server.Requests.Where(r => r.Method == "POST").Select(r => r.ContentType), Is.All.StartsWith("application/json"));
    }

    [Test]
    public async Task StartRunAsync_ExperimentAppearsBetweenLookupAndCreate_TreatsAlreadyExistsAsExisting()
    {
        using var tracker = NewTracker();
        await tracker.StartRunAsync(new TrackingRunStart("other", "x", null, new Dictionary<string, string>()), CancellationToken.None);
        _server.Backend.Experiments["2"] = ("2", "persona", "active");
        _server.FailNext(1, 404, "RESOURCE_DOES_NOT_EXIST");

        var runId = await tracker.StartRunAsync(Run("a"), CancellationToken.None);

        Assert.That(_server.Backend.Runs[runId].ExperimentId, Is.EqualTo("2"));
        Assert.That(_server.Backend.Experiments.Values.Count(e => e.Name == "persona"), Is.EqualTo(1));
    }

    [Test]
    public async Task StartRunAsync_StepUnderWorkflowRun_SetsParentRunIdTagAndReusesExperiment()
    {
        using var tracker = NewTracker();
        var parent = await tracker.StartRunAsync(Run("sft-lora"), CancellationToken.None);

        var child = await tracker.StartRunAsync(Run("train", parent), CancellationToken.None);

        Assert.That(_server.Backend.Runs[child].Tags, Does.ContainKey(MlflowTags.ParentRunId).WithValue(parent));
        Assert.That(_server.Paths("POST").Count(p => p.EndsWith("experiments/create", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task LogMetricsAsync_2500PointsWithNamedFloats_SendsBatchesOf1000AndReadsThemAllBack()
    {
        using var tracker = NewTracker();
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);
        var points = Enumerable.Range(0, 2500)
            .Select(i => new MetricPoint("loss", i switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => 1.0 / i }, i, Start.AddSeconds(i)))
            .ToList();

        await tracker.LogMetricsAsync(runId, points, CancellationToken.None);

        Assert.That(Bodies("/api/2.0/mlflow/runs/log-batch").Select(b => b["metrics"]!.AsArray().Count), Is.EqualTo(new[] { 1000, 1000, 500 }));
        using var connection = new MlflowConnection(TestOptions.Rest(_server.Uri));
        var history = await new MlflowOperations(connection).GetMetricHistoryAsync(runId, "loss", CancellationToken.None);
        Assert.That(history, Has.Count.EqualTo(2500));
        Assert.That(history[0].Value, Is.NaN);
        Assert.That(history[1].Value, Is.EqualTo(double.PositiveInfinity));
        Assert.That(history[4].Value, Is.EqualTo(0.25));
        Assert.That(_server.Requests.Last().Path, Does.Contain("max_results=25000"));
    }

    [Test]
    public async Task GetMetricHistoryAsync_ServerWithPagingBug_SendsMaxResultsAndDoesNotLoop()
    {
        using var tracker = NewTracker();
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);
        await tracker.LogMetricsAsync(runId, [new MetricPoint("loss", 0.5, 0, Start)], CancellationToken.None);
        using var http = new HttpClient();

        var trap = await http.GetStringAsync(new Uri(_server.Uri, $"/api/2.0/mlflow/metrics/get-history?run_id={runId}&metric_key=loss"));
        using var connection = new MlflowConnection(TestOptions.Rest(_server.Uri));
        var history = await new MlflowOperations(connection).GetMetricHistoryAsync(runId, "loss", CancellationToken.None);

        Assert.That(trap, Is.EqualTo("{\"next_page_token\":\"eyJvZmZzZXQiOiAwfQ==\"}"));
        Assert.That(history.Select(m => m.Value), Is.EqualTo(new[] { 0.5 }));
    }

    [Test]
    public async Task LogParamsAsync_250Params_SendsBatchesOfAtMost100AndTruncatesLongValues()
    {
        using var tracker = NewTracker();
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);
        var parameters = Enumerable.Range(0, 250).ToDictionary(i => $"p{i:000}", i => i.ToString());
        parameters["prompt"] = new string('x', 9000);

        await tracker.LogParamsAsync(runId, parameters, CancellationToken.None);

        var sizes = Bodies("/api/2.0/mlflow/runs/log-batch").Select(b => b["params"]!.AsArray().Count + b["tags"]!.AsArray().Count);
        Assert.That(sizes, Is.EqualTo(new[] { 100, 100, 51 }));
        Assert.That(_server.Backend.Runs[runId].Params, Has.Count.EqualTo(251));
        Assert.That(_server.Backend.Runs[runId].Params["prompt"], Has.Length.EqualTo(6000).And.EndsWith("...[truncated, 9000 chars]"));
    }

    [Test]
    public async Task LogParamsAsync_ChangedValue_ThrowsInvalidParameterValueWithoutRetrying()
    {
        using var tracker = NewTracker();
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);
        await tracker.LogParamsAsync(runId, new Dictionary<string, string> { ["lr"] = "0.01" }, CancellationToken.None);
        var before = _server.Requests.Count;

        var error = await Assert.ThrowsAsync<MlflowException>(() =>
            tracker.LogParamsAsync(runId, new Dictionary<string, string> { ["lr"] = "0.02" }, CancellationToken.None));

        Assert.That(error!.ErrorCode, Is.EqualTo("INVALID_PARAMETER_VALUE"));
        Assert.That(error.StatusCode, Is.EqualTo(400));
        Assert.That(_server.Requests.Count - before, Is.EqualTo(1));
    }

    [TestCase(TrackingRunStatus.Finished, "FINISHED")]
    [TestCase(TrackingRunStatus.Failed, "FAILED")]
    [TestCase(TrackingRunStatus.Killed, "KILLED")]
    public async Task EndRunAsync_Status_SendsAValidStatusStringAndEndTime(TrackingRunStatus status, string expected)
    {
        using var tracker = NewTracker();
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);

        await tracker.EndRunAsync(runId, status, CancellationToken.None);

        Assert.That(_server.Backend.Runs[runId].Status, Is.EqualTo(expected));
        Assert.That(_server.Backend.Runs[runId].EndTime, Is.Not.Null);
    }

    [Test]
    public async Task LogArtifactAsync_Folder_PutsEveryFileUnderTheRunsProxiedArtifacts()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("adapter", "sub"));
        File.WriteAllText(temp.Combine("adapter", "adapter_config.json"), "{}");
        File.WriteAllText(temp.Combine("adapter", "sub", "a b.txt"), "hello");
        using var tracker = NewTracker();
        var runId = await tracker.StartRunAsync(Run("package"), CancellationToken.None);

        await tracker.LogArtifactAsync(runId, temp.Combine("adapter"), "adapter", CancellationToken.None);

        var experiment = _server.Backend.Runs[runId].ExperimentId;
        Assert.That(_server.Backend.Artifacts.Keys, Is.EquivalentTo(new[]
        {
            $"{experiment}/{runId}/artifacts/adapter/adapter_config.json", $"{experiment}/{runId}/artifacts/adapter/sub/a b.txt",
        }));
        Assert.That(_server.Backend.Artifacts[$"{experiment}/{runId}/artifacts/adapter/sub/a b.txt"], Is.EqualTo("hello"u8.ToArray()));
    }

    [Test]
    public async Task RegisterModelAsync_SameRunAndSourceTwice_ReturnsTheExistingVersion()
    {
        using var tracker = NewTracker();
        var runId = await tracker.StartRunAsync(Run("package"), CancellationToken.None);

        var first = await tracker.RegisterModelAsync(runId, ModelRegistration.Plain("persona-model", "model"), CancellationToken.None);
        var second = await tracker.RegisterModelAsync(runId, ModelRegistration.Plain("persona-model", "model"), CancellationToken.None);

        Assert.That((first, second), Is.EqualTo(("1", "1")));
        Assert.That(_server.Backend.Versions, Has.Count.EqualTo(1));
        var source = (string?)Bodies("/api/2.0/mlflow/model-versions/create").Single()["source"];
        Assert.That(source, Is.EqualTo($"mlflow-artifacts:/1/{runId}/artifacts/model"));
    }

    [Test]
    public async Task RegisterModelAsync_TwoRuns_ReturnConsecutiveVersions()
    {
        using var tracker = NewTracker();
        var a = await tracker.StartRunAsync(Run("package"), CancellationToken.None);
        var b = await tracker.StartRunAsync(Run("package"), CancellationToken.None);

        var first = await tracker.RegisterModelAsync(a, ModelRegistration.Plain("persona-model", "model"), CancellationToken.None);
        var second = await tracker.RegisterModelAsync(b, ModelRegistration.Plain("persona-model", "model"), CancellationToken.None);

        Assert.That((first, second), Is.EqualTo(("1", "2")));
    }

    [Test]
    public async Task RegisterModelAsync_TagsAndAlias_SetOnTheVersionAndTheAliasMoves()
    {
        using var tracker = NewTracker();
        var a = await tracker.StartRunAsync(Run("package"), CancellationToken.None);
        var b = await tracker.StartRunAsync(Run("package"), CancellationToken.None);
        var tags = new Dictionary<string, string> { ["wf.fingerprint"] = "abc", ["metric.evaluate.persona.contains"] = "0.75" };

        await tracker.RegisterModelAsync(a, new ModelRegistration("m", "package", tags, ["champion"]), CancellationToken.None);
        var second = await tracker.RegisterModelAsync(b, new ModelRegistration("m", "package", tags, ["champion"]), CancellationToken.None);

        Assert.That(_server.Backend.Versions[1].Tags, Is.EquivalentTo(tags));
        Assert.That(_server.Backend.Aliases["m"]["champion"], Is.EqualTo(second));
    }

    [Test]
    public async Task StartRunAsync_Token_SendsBearerAuthorization()
    {
        using var tracker = new MlflowRestTracker(TestOptions.Rest(_server.Uri) with { Token = "s3cret", Username = "ignored" });

        await tracker.StartRunAsync(Run("a"), CancellationToken.None);

        Assert.That(_server.Requests.Select(r => r.Authorization), Is.All.EqualTo("Bearer s3cret"));
    }

    [Test]
    public async Task Warn_ServerDownWithToken_NeverShowsTheCredentials()
    {
        using var spool = new TempDirectory();
        var nowhere = new Uri($"http://127.0.0.1:{MlflowTestServer.FreePort()}");
        var warnings = new List<string>();
        using var tracker = new MlflowRestTracker(TestOptions.Rest(nowhere, spool.Path, retries: 0) with { Token = "s3cret-token", Password = "pw-secret", Warn = warnings.Add });

        var runId = await tracker.StartRunAsync(Run("a"), CancellationToken.None);
        await tracker.LogParamsAsync(runId, new Dictionary<string, string> { ["p"] = "1" }, CancellationToken.None);

        Assert.That(warnings, Is.Not.Empty);
        Assert.That(string.Join("\n", warnings) + string.Join("\n", Directory.EnumerateFiles(spool.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllText)),
            Does.Not.Contain("s3cret").And.Not.Contain("pw-secret"));
    }

    [Test]
    public async Task StartRunAsync_UsernamePassword_SendsBasicAuthorization()
    {
        using var tracker = new MlflowRestTracker(TestOptions.Rest(_server.Uri) with { Username = "bob", Password = "pw" });

        await tracker.StartRunAsync(Run("a"), CancellationToken.None);

        Assert.That(_server.Requests.Select(r => r.Authorization), Is.All.EqualTo("Basic Ym9iOnB3"));
    }

    [Test]
    public async Task StartRunAsync_150Tags_CreatesWithAtMost100IncludingTheClientIdAndSendsTheRest()
    {
        using var tracker = NewTracker();
        var tags = Enumerable.Range(0, 150).ToDictionary(i => $"t{i:000}", i => "v");

        var runId = await tracker.StartRunAsync(new TrackingRunStart("persona", "a", null, tags), CancellationToken.None);

        var create = Bodies("/api/2.0/mlflow/runs/create").Single()["tags"]!.AsArray();
        Assert.That(create, Has.Count.EqualTo(100));
        Assert.That((string?)create[0]!["key"], Is.EqualTo(MlflowTags.ClientRunId));
        Assert.That(_server.Backend.Runs[runId].Tags.Keys.Count(k => k.StartsWith('t')), Is.EqualTo(150));
    }

    [Test]
    public async Task LogMetricsAsync_ConcurrentStepRuns_DeliversEveryValue()
    {
        using var tracker = NewTracker();
        var parent = await tracker.StartRunAsync(Run("sft-lora"), CancellationToken.None);
        var steps = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => tracker.StartRunAsync(Run($"step-{i}", parent), CancellationToken.None)));

        await Task.WhenAll(steps.SelectMany(step => Enumerable.Range(0, 25).Select(i =>
            tracker.LogMetricsAsync(step, [new MetricPoint("loss", i, i, Start)], CancellationToken.None))));

        Assert.That(steps.Select(step => _server.Backend.Runs[step].Metrics.Count), Is.All.EqualTo(25));
        Assert.That(_server.Backend.Experiments, Has.Count.EqualTo(1));
    }
}
