using System.Text.Json.Nodes;

namespace Workflows.Cli.Tests.Tracking;

/// <summary>The main example against a REAL MLflow server (opt-in: set <c>MLFLOW_TEST_TRACKING_URI</c>, e.g.
/// to a server started by shared/tools/mlflow-server.sh). It runs the example into a local store, pushes it,
/// reads everything back through MLflow's REST API and compares it with what was recorded locally; pushes
/// again and checks nothing was added; then runs again straight against the server (every step cached).</summary>
[Category("MlflowServer")]
[NonParallelizable]
public sealed class MainExampleOnMlflowServerTests
{
    [Test]
    public async Task MainExample_PushedAndRunAgainstRealServer_ServerHoldsExactlyWhatWasRecordedLocally()
    {
        var server = Environment.GetEnvironmentVariable("MLFLOW_TEST_TRACKING_URI");
        if (string.IsNullOrWhiteSpace(server)) Assert.Ignore("set MLFLOW_TEST_TRACKING_URI to a running MLflow server to run this test");
        var project = MainExampleProject.Create(out var experiment, out var model);
        using var reader = new MlflowRestReader(new Uri(server));
        try
        {
            Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", null);
            var run = WfCommand.Run(project, "run", "workflows/sft-lora.yaml");
            Assert.That(run.ExitCode, Is.Zero, run.Out + run.Error);
            var local = LocalStore.Read(Path.Combine(project, "mlruns"));

            var push = WfCommand.Run(project, "tracking", "push", "--store", "mlruns", "--to", server);
            Assert.That(push.ExitCode, Is.Zero, push.Out + push.Error);
            var experimentId = await reader.ExperimentIdAsync(experiment);
            Assert.That(experimentId, Is.Not.Null);
            var remote = await ServerRunsAsync(reader, experimentId!);
            var counts = await CompareAsync(reader, experimentId!, local, remote);
            TestContext.Out.WriteLine($"local = server: {counts.Runs} runs, {counts.Params} params, {counts.MetricPoints} metric points, {counts.Artifacts} artifacts");

            var versions = await reader.ModelVersionsAsync(model);
            Assert.That(versions, Has.Count.EqualTo(1), "one registered version");
            var package = remote.Values.Single(r => Tag(r, "wf.step") == "package");
            Assert.That((string?)versions[0]["run_id"], Is.EqualTo(RunId(package)));
            var versionTags = versions[0]["tags"]!.AsArray().ToDictionary(t => (string)t!["key"]!, t => (string)t!["value"]!);
            Assert.That(versionTags["wf.fingerprint"], Is.EqualTo(Tag(package, "wf.step.fingerprint")));
            Assert.That(versionTags.Keys, Has.Some.StartWith("metric.evaluate."));
            var registered = await reader.GetAsync($"/api/2.0/mlflow/registered-models/get?name={Uri.EscapeDataString(model)}");
            Assert.That(registered["registered_model"]!["aliases"]!.AsArray().Select(a => (string)a!["alias"]!), Does.Contain("champion"));

            // Push state lost: the second push finds every run and the version, and adds nothing.
            foreach (var state in Directory.EnumerateFiles(Path.Combine(project, "mlruns"), ".wf-push-state-*")) File.Delete(state);
            var again = WfCommand.Run(project, "tracking", "push", "--store", "mlruns", "--to", server);
            Assert.That(again.ExitCode, Is.Zero, again.Out + again.Error);
            var after = await ServerRunsAsync(reader, experimentId!);
            Assert.That(after.Count, Is.EqualTo(remote.Count), "a second push creates no run");
            Assert.That(await CompareAsync(reader, experimentId!, local, after), Is.EqualTo(counts), "a second push adds no param, metric point or artifact");
            Assert.That(await reader.ModelVersionsAsync(model), Has.Count.EqualTo(1), "a second push registers no version");

            // Straight to the server: every step is a cache hit, shown as a run carrying its producer's metrics.
            Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", server);
            var cached = WfCommand.Run(project, "run", "workflows/sft-lora.yaml");
            Assert.That(cached.ExitCode, Is.Zero, cached.Out + cached.Error);
            var direct = (await ServerRunsAsync(reader, experimentId!)).Values.Where(r => !after.ContainsKey(RunId(r))).ToList();
            var parent = direct.Single(r => Tag(r, "mlflow.parentRunId") is null);
            var steps = direct.Where(r => Tag(r, "mlflow.parentRunId") == RunId(parent)).ToList();
            Assert.That(steps, Has.Count.EqualTo(local.Values.Count(r => r.Tags.ContainsKey("wf.step"))));
            Assert.That(steps.Select(r => Tag(r, "wf.cached")), Is.All.EqualTo("true"));
            var train = steps.Single(r => Tag(r, "wf.step") == "train");
            Assert.That(Tag(train, "wf.cached_from_tracking_run"), Is.Not.Null);
            Assert.That(train["data"]!["metrics"]!.AsArray().Select(m => (string)m!["key"]!), Does.Contain("val_loss"));
            Assert.That(steps.Select(r => (string?)r["info"]!["status"]), Is.All.EqualTo("FINISHED"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", null);
            if (Environment.GetEnvironmentVariable("MLFLOW_TEST_KEEP_PROJECT") is null) Directory.Delete(project, recursive: true);
            else TestContext.Out.WriteLine($"project kept at {project}");
        }
    }

    public sealed record Counts(int Runs, int Params, int MetricPoints, int Artifacts);

    /// <summary>Every local run against its server copy (found by <c>wf.client_run_id</c>): same params,
    /// the same metric points (full histories, steps included), every artifact listed, downloadable and
    /// the same size; nested under the same parent.</summary>
    private static async Task<Counts> CompareAsync(MlflowRestReader reader, string experimentId, Dictionary<string, LocalStore.Run> local, Dictionary<string, JsonObject> remote)
    {
        var byClient = remote.Values.ToDictionary(r => Tag(r, "wf.client_run_id") ?? RunId(r));
        int runs = 0, parameters = 0, points = 0, artifacts = 0;
        foreach (var (id, mine) in local)
        {
            Assert.That(byClient, Does.ContainKey(id), $"local run {id} ({mine.Name}) is on the server");
            var theirs = byClient[id];
            var serverId = RunId(theirs);
            runs++;
            var theirParams = theirs["data"]!["params"]?.AsArray().ToDictionary(p => (string)p!["key"]!, p => (string)p!["value"]!) ?? [];
            Assert.That(theirParams, Is.EquivalentTo(mine.Params), $"params of {mine.Name}");
            Assert.That(theirParams.Values, Has.None.StartWith("sha256:"), $"params of {mine.Name} are readable");
            parameters += theirParams.Count;
            foreach (var (key, history) in mine.Metrics)
            {
                var theirHistory = await reader.HistoryAsync(serverId, key);
                Assert.That(theirHistory.Select(p => (p.Step, p.Value)).Order(), Is.EqualTo(history.Order()), $"history of {mine.Name}/{key}");
                Assert.That(theirHistory.Select(p => (p.Step, p.Value)).Distinct().Count(), Is.EqualTo(theirHistory.Count), $"{mine.Name}/{key} has no doubled point");
                points += theirHistory.Count;
            }
            var files = await reader.ArtifactsAsync(serverId);
            Assert.That(files.Select(f => f.Path), Is.EquivalentTo(mine.Artifacts.Keys), $"artifacts of {mine.Name}");
            foreach (var (path, size) in files)
            {
                Assert.That((await reader.DownloadAsync(experimentId, serverId, path)).LongLength, Is.EqualTo(mine.Artifacts[path]), $"download of {mine.Name}/{path}");
                artifacts++;
            }
            if (mine.Tags.GetValueOrDefault("mlflow.parentRunId") is { } parent)
                Assert.That(Tag(theirs, "mlflow.parentRunId"), Is.EqualTo(RunId(byClient[parent])), $"{mine.Name} is nested under its workflow run");
        }
        return new Counts(runs, parameters, points, artifacts);
    }

    private static async Task<Dictionary<string, JsonObject>> ServerRunsAsync(MlflowRestReader reader, string experimentId) =>
        (await reader.RunsAsync(experimentId)).ToDictionary(RunId);

    private static string RunId(JsonObject run) => (string)run["info"]!["run_id"]!;

    private static string? Tag(JsonObject run, string key) =>
        run["data"]!["tags"]?.AsArray().Where(t => (string?)t!["key"] == key).Select(t => (string?)t!["value"]).FirstOrDefault();
}
