using Workflows.Engine.Tracking;
using Workflows.Tracking.Rest;
using Workflows.Tracking.Tests.Support;

namespace Workflows.Tracking.Tests.Rest;

public sealed class MlflowRestTrackerFaultTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private MlflowTestServer _server = null!;

    [SetUp]
    public void SetUp() => _server = new MlflowTestServer();

    [TearDown]
    public void TearDown() => _server.Dispose();

    private static TrackingRunStart Run(string name) => new("persona", name, null, new Dictionary<string, string>());

    private int Count(string path) => _server.Requests.Count(r => r.Path.StartsWith(path, StringComparison.Ordinal));

    [TestCase(500)]
    [TestCase(503)]
    [TestCase(429)]
    public async Task LogMetricsAsync_TransientErrorsThenRecovery_RetriesAndDeliversOnce(int status)
    {
        using var tracker = new MlflowRestTracker(TestOptions.Rest(_server.Uri, retries: 3));
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);
        _server.FailNext(2, status);

        await tracker.LogMetricsAsync(runId, [new MetricPoint("loss", 0.5, 0, Start)], CancellationToken.None);

        Assert.That(Count("/api/2.0/mlflow/runs/log-batch"), Is.EqualTo(3));
        Assert.That(_server.Backend.Runs[runId].Metrics, Has.Count.EqualTo(1));
    }

    [TestCase(400, "INVALID_PARAMETER_VALUE")]
    [TestCase(404, "RESOURCE_DOES_NOT_EXIST")]
    [TestCase(401, "UNAUTHENTICATED")]
    public async Task LogMetricsAsync_ClientError_FailsAtOnceWithoutRetryOrSpool(int status, string code)
    {
        using var spool = new TempDirectory();
        using var tracker = new MlflowRestTracker(TestOptions.Rest(_server.Uri, spool.Path, retries: 3));
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);
        _server.FailNext(1, status, code);

        var error = await Assert.ThrowsAsync<MlflowException>(() =>
            tracker.LogMetricsAsync(runId, [new MetricPoint("loss", 0.5, 0, Start)], CancellationToken.None));

        Assert.That(error!.ErrorCode, Is.EqualTo(code));
        Assert.That(Count("/api/2.0/mlflow/runs/log-batch"), Is.EqualTo(1));
        Assert.That(Directory.EnumerateFiles(spool.Path), Is.Empty);
    }

    [Test]
    public async Task StartRunAsync_CreateAnswerTimesOut_FindsTheCreatedRunInsteadOfDuplicating()
    {
        using var tracker = new MlflowRestTracker(TestOptions.Rest(_server.Uri, retries: 3, attemptTimeoutMs: 1000));
        await tracker.StartRunAsync(Run("warm-up"), CancellationToken.None);
        _server.DelayAnswerOfNext(1, TimeSpan.FromSeconds(4));

        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);

        Assert.That(_server.Backend.Runs.Values.Count(r => r.RunName == "train"), Is.EqualTo(1));
        Assert.That(_server.Backend.Runs[runId].RunName, Is.EqualTo("train"));
        Assert.That(Count("/api/2.0/mlflow/runs/search"), Is.EqualTo(1));
    }

    [Test]
    public async Task LogMetricsAsync_ServerDeadWithoutSpool_ThrowsUnavailableAfterRetries()
    {
        using var tracker = new MlflowRestTracker(TestOptions.Rest(_server.Uri, retries: 2));
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);
        _server.Dead = true;

        var error = await Assert.ThrowsAsync<MlflowException>(() =>
            tracker.LogMetricsAsync(runId, [new MetricPoint("loss", 0.5, 0, Start)], CancellationToken.None));

        Assert.That(error!.ErrorCode, Is.EqualTo("UNAVAILABLE"));
        Assert.That(error.Message, Does.StartWith("runs/log-batch"));
        _server.Dead = false;
        await tracker.LogMetricsAsync(runId, [new MetricPoint("loss", 0.25, 1, Start)], CancellationToken.None);
        Assert.That(_server.Backend.Runs[runId].Metrics.Select(m => m.Value), Is.EqualTo(new[] { 0.25 }));
    }

    [Test]
    public async Task StartRunAsync_NothingListening_SpoolsTheRunUnderAClientId()
    {
        using var spool = new TempDirectory();
        var nowhere = new Uri($"http://127.0.0.1:{MlflowTestServer.FreePort()}");
        var warnings = new List<string>();
        using var tracker = new MlflowRestTracker(TestOptions.Rest(nowhere, spool.Path, retries: 1) with { Warn = warnings.Add });

        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);
        await tracker.EndRunAsync(runId, TrackingRunStatus.Finished, CancellationToken.None);

        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.Contain("wf tracking push").And.Not.StartWith("tracking:"));
        Assert.That(runId, Does.Match("^[0-9a-f]{32}$"));
        var lines = Directory.EnumerateFiles(spool.Path, "events-*.jsonl").SelectMany(File.ReadLines).ToList();
        Assert.That(lines, Has.Count.EqualTo(2));
        Assert.That(lines[0], Does.Contain("\"kind\":\"Start\"").And.Contain(runId));
        Assert.That(lines[1], Does.Contain("\"kind\":\"End\"").And.Contain("FINISHED"));
    }

    [Test]
    public async Task StartRunAsync_HostRefused_FailsAtOnceNamingTheHostHeader()
    {
        _server.AllowedHosts.Remove("127.0.0.1");
        using var tracker = new MlflowRestTracker(TestOptions.Rest(_server.Uri, retries: 3));

        var error = await Assert.ThrowsAsync<MlflowException>(() => tracker.StartRunAsync(Run("train"), CancellationToken.None));

        Assert.That(error!.StatusCode, Is.EqualTo(403));
        Assert.That(error.Message, Does.Contain("Host header"));
        Assert.That(_server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task StartRunAsync_UriIsNotAnMlflowServer_ReportsNotFoundForTheHtmlPage()
    {
        using var tracker = new MlflowRestTracker(TestOptions.Rest(new Uri(_server.Uri, "/not-mlflow"), retries: 3));

        var error = await Assert.ThrowsAsync<MlflowException>(() => tracker.StartRunAsync(Run("train"), CancellationToken.None));

        Assert.That(error!.ErrorCode, Is.EqualTo("HTTP_404"));
        Assert.That(error.Message, Does.Contain("not found"));
        Assert.That(_server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task TestServer_PostWithoutJsonContentType_Answers400LikeMlflow()
    {
        using var http = new HttpClient();
        using var content = new StringContent("{\"name\":\"x\"}");
        content.Headers.ContentType = null;

        using var response = await http.PostAsync(new Uri(_server.Uri, "/api/2.0/mlflow/experiments/create"), content);

        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(_server.Backend.Experiments, Is.Empty);
    }

    [Test]
    public async Task TestServer_ChunkedPost_IsReadAsEmptyLikeMlflow()
    {
        using var http = new HttpClient();
        using var content = new StreamContent(new MemoryStream("{\"experiment_ids\":[\"1\"]}"u8.ToArray()));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Uri, "/api/2.0/mlflow/runs/search")) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await http.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{}"), "what MLflow 3.11 answered a chunked runs/search");
    }

    [Test]
    public async Task EveryPost_IsSentWithAContentLength_SoMlflowReadsTheBody()
    {
        using var tracker = new MlflowRestTracker(TestOptions.Rest(_server.Uri));
        var runId = await tracker.StartRunAsync(Run("train"), CancellationToken.None);

        await tracker.LogMetricsAsync(runId, [new MetricPoint("loss", 0.5, 0, Start)], CancellationToken.None);

        Assert.That(_server.Backend.Runs[runId].Metrics, Has.Count.EqualTo(1), "a chunked body would have reached MLflow as {}");
    }
}
