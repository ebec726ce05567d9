using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workflows.Tracking.Tests.Support;

/// <summary>The state and rules of an MLflow 3.11 tracking server, as recorded in
/// shared/mlflow/CONTRACT.md: the answers, the error codes and the quirks.</summary>
internal sealed partial class MlflowTestBackend
{
    private readonly Lock _gate = new();
    private long _clock = 1_795_456_884_371;

    public Dictionary<string, (string Id, string Name, string Stage)> Experiments { get; } = [];

    public Dictionary<string, TestRun> Runs { get; } = [];

    public Dictionary<string, byte[]> Artifacts { get; } = [];

    public Dictionary<string, int> ModelVersions { get; } = [];

    /// <summary>Every registered version, in creation order.</summary>
    public List<TestModelVersion> Versions { get; } = [];

    /// <summary>Registered model → alias → version (an alias points at one version at a time).</summary>
    public Dictionary<string, Dictionary<string, string>> Aliases { get; } = [];

    public sealed record TestModelVersion(string Name, string Version, string Source, string RunId)
    {
        public Dictionary<string, string> Tags { get; } = [];
    }

    public sealed class TestRun
    {
        public required string RunId { get; init; }
        public required string ExperimentId { get; init; }
        public required string RunName { get; init; }
        public required string UserId { get; init; }
        public string Status { get; set; } = "RUNNING";
        public long StartTime { get; init; }
        public long? EndTime { get; set; }
        public Dictionary<string, string> Params { get; } = [];
        public Dictionary<string, string> Tags { get; } = [];
        public List<(string Key, double Value, long Timestamp, long Step)> Metrics { get; } = [];
    }

    /// <summary>Answers one API call: (status, JSON body).</summary>
    public (int Status, string Body) Handle(string method, string route, JsonObject query, JsonObject? body, byte[] raw)
    {
        lock (_gate)
        {
            try
            {
                return Route(method, route, query, body, raw);
            }
            catch (TestApiError error)
            {
                var json = new JsonObject { ["error_code"] = error.Code, ["message"] = error.Message, ["sqlstate"] = "KAM00", ["error_class"] = error.Code };
                return (error.Code == "RESOURCE_DOES_NOT_EXIST" ? 404 : 400, json.ToJsonString());
            }
        }
    }

    private (int, string) Route(string method, string route, JsonObject query, JsonObject? body, byte[] raw)
    {
        switch (method, route)
        {
            case ("GET", "/api/2.0/mlflow/experiments/get-by-name"):
                var name = (string?)query["experiment_name"] ?? throw Bad("Missing value for required parameter 'experiment_name'.");
                var found = Experiments.Values.FirstOrDefault(e => e.Name == name);
                if (found.Id is null)
                {
                    throw new TestApiError("RESOURCE_DOES_NOT_EXIST", $"Could not find experiment with name '{name}'");
                }

                return Ok(new JsonObject { ["experiment"] = new JsonObject { ["experiment_id"] = found.Id, ["name"] = found.Name, ["lifecycle_stage"] = found.Stage } });
            case ("POST", "/api/2.0/mlflow/experiments/create"):
                var newName = (string)body!["name"]!;
                if (Experiments.Values.Any(e => e.Name == newName))
                {
                    throw new TestApiError("RESOURCE_ALREADY_EXISTS", $"Experiment(name={newName}) already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed");
                }

                var id = (Experiments.Count + 1).ToString(CultureInfo.InvariantCulture);
                Experiments[id] = (id, newName, "active");
                return Ok(new JsonObject { ["experiment_id"] = id });
            case ("POST", "/api/2.0/mlflow/runs/create"):
                return CreateRun(body!);
            case ("GET", "/api/2.0/mlflow/runs/get"):
                return Ok(new JsonObject { ["run"] = RunJson(FindRun((string?)query["run_id"])) });
            case ("POST", "/api/2.0/mlflow/runs/search"):
                return SearchRuns(body!);
            case ("POST", "/api/2.0/mlflow/runs/log-batch"):
                return LogBatch(body!);
            case ("POST", "/api/2.0/mlflow/runs/set-tag"):
                FindRun((string?)body!["run_id"]).Tags[(string)body["key"]!] = (string)body["value"]!;
                return Ok([]);
            case ("POST", "/api/2.0/mlflow/runs/update"):
                var run = FindRun((string?)body!["run_id"]);
                // Unknown status strings are ignored with a 200, as the real server does.
                if ((string?)body["status"] is "RUNNING" or "FINISHED" or "FAILED" or "KILLED" or "SCHEDULED")
                {
                    run.Status = (string)body["status"]!;
                }

                run.EndTime = (long?)body["end_time"] ?? run.EndTime;
                return Ok(new JsonObject { ["run_info"] = InfoJson(run) });
            case ("GET", "/api/2.0/mlflow/metrics/get-history"):
                return MetricHistory(query);
            case ("POST", "/api/2.0/mlflow/registered-models/create"):
                var model = (string)body!["name"]!;
                if (!ModelVersions.TryAdd(model, 0))
                {
                    throw new TestApiError("RESOURCE_ALREADY_EXISTS", $"Registered Model (name={model}) already exists.");
                }

                return Ok(new JsonObject { ["registered_model"] = new JsonObject { ["name"] = model } });
            case ("POST", "/api/2.0/mlflow/model-versions/create"):
                var modelName = (string)body!["name"]!;
                var version = ++CollectionsMarshalGet(modelName);
                var created = new TestModelVersion(modelName, version.ToString(CultureInfo.InvariantCulture), (string?)body["source"] ?? "", (string?)body["run_id"] ?? "");
                Versions.Add(created);
                return Ok(new JsonObject { ["model_version"] = VersionJson(created) });
            case ("GET", "/api/2.0/mlflow/model-versions/search"):
                return SearchVersions(query);
            case ("POST", "/api/2.0/mlflow/model-versions/set-tag"):
                FindVersion((string)body!["name"]!, (string)body["version"]!).Tags[(string)body["key"]!] = (string)body["value"]!;
                return Ok([]);
            case ("POST", "/api/2.0/mlflow/registered-models/alias"):
                var aliased = FindVersion((string)body!["name"]!, (string)body["version"]!);
                if (!Aliases.TryGetValue(aliased.Name, out var aliases))
                {
                    Aliases[aliased.Name] = aliases = [];
                }

                aliases[(string)body["alias"]!] = aliased.Version;
                return Ok([]);
            case ("GET", "/health"):
                return (200, "OK");
        }

        if (method == "PUT" && route.StartsWith("/api/2.0/mlflow-artifacts/artifacts/", StringComparison.Ordinal))
        {
            Artifacts[Uri.UnescapeDataString(route["/api/2.0/mlflow-artifacts/artifacts/".Length..])] = raw;
            return Ok([]);
        }

        return (-404, "<!doctype html><html><title>404 Not Found</title></html>");
    }

    /// <summary>Understands the filters this client sends (<c>name='…' and run_id='…'</c>), as the real
    /// server's SQL store does; answers versions with their source and run id.</summary>
    private (int, string) SearchVersions(JsonObject query)
    {
        var filter = (string?)query["filter"] ?? string.Empty;
        var conditions = VersionFilter().Matches(filter).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value.Replace("\\'", "'"));
        var found = Versions.Where(v =>
            (!conditions.TryGetValue("name", out var name) || v.Name == name)
            && (!conditions.TryGetValue("run_id", out var runId) || v.RunId == runId));
        return Ok(new JsonObject { ["model_versions"] = new JsonArray([.. found.Select(v => (JsonNode)VersionJson(v))]) });
    }

    private TestModelVersion FindVersion(string name, string version) =>
        Versions.FirstOrDefault(v => v.Name == name && v.Version == version)
        ?? throw new TestApiError("RESOURCE_DOES_NOT_EXIST", $"Model Version (name={name}, version={version}) not found");

    /// <summary>As MLflow 3.11 answers: <c>tags</c> only when the version has some.</summary>
    private static JsonObject VersionJson(TestModelVersion v)
    {
        var json = new JsonObject
        {
            ["name"] = v.Name,
            ["version"] = v.Version,
            ["current_stage"] = "None",
            ["description"] = "",
            ["source"] = v.Source,
            ["run_id"] = v.RunId,
            ["status"] = "READY",
            ["run_link"] = "",
        };
        if (v.Tags.Count > 0)
        {
            json["tags"] = new JsonArray([.. v.Tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value })]);
        }

        return json;
    }

    private ref int CollectionsMarshalGet(string model) =>
        ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(ModelVersions, model);

    private (int, string) CreateRun(JsonObject body)
    {
        var experimentId = (string)body["experiment_id"]!;
        if (!Experiments.ContainsKey(experimentId))
        {
            throw new TestApiError("RESOURCE_DOES_NOT_EXIST", $"No Experiment with id={experimentId} exists");
        }

        var runId = Guid.NewGuid().ToString("N");
        var run = new TestRun
        {
            RunId = runId,
            ExperimentId = experimentId,
            RunName = (string?)body["run_name"] ?? "random-name-" + runId[..4],
            UserId = (string?)body["user_id"] ?? string.Empty,
            StartTime = (long?)body["start_time"] ?? _clock++,
        };
        foreach (var tag in body["tags"]?.AsArray() ?? [])
        {
            run.Tags[(string)tag!["key"]!] = (string)tag["value"]!;
        }

        run.Tags.TryAdd("mlflow.runName", run.RunName);
        Runs[runId] = run;
        return Ok(new JsonObject { ["run"] = RunJson(run) });
    }

    private (int, string) SearchRuns(JsonObject body)
    {
        if (body["experiment_ids"] is not JsonArray ids || ids.Count == 0)
        {
            return Ok([]); // no experiments asked for: MLflow answers {}
        }

        var experimentIds = ids.Select(id => (string)id!).ToHashSet();
        var filter = (string?)body["filter"] ?? string.Empty;
        var match = TagFilter().Match(filter);
        var runs = Runs.Values
            .Where(run => experimentIds.Contains(run.ExperimentId))
            .Where(run => !match.Success || run.Tags.GetValueOrDefault(match.Groups["key"].Value) == match.Groups["value"].Value)
            .Take((int?)body["max_results"] ?? 1000);
        var found = runs.ToList();
        return found.Count == 0 ? Ok([]) : Ok(new JsonObject { ["runs"] = new JsonArray([.. found.Select(RunJson)]) });
    }

    private (int, string) LogBatch(JsonObject body)
    {
        var run = FindRun((string?)body["run_id"]);
        var metrics = body["metrics"]?.AsArray() ?? [];
        var parameters = body["params"]?.AsArray() ?? [];
        var tags = body["tags"]?.AsArray() ?? [];
        if (metrics.Count > 1000 || parameters.Count + tags.Count > 100)
        {
            throw Bad($"A batch logging request can contain at most 1000 metrics and 100 params and tags, got {metrics.Count} metrics, {parameters.Count} params, {tags.Count} tags");
        }

        foreach (var key in metrics.Concat(parameters).Concat(tags).Select(item => (string)item!["key"]!))
        {
            if (key.Split('/').Contains("..") || key.StartsWith('/'))
            {
                throw Bad($"Invalid value \"{key}\" for parameter 'key' supplied.");
            }
        }

        foreach (var param in parameters)
        {
            var key = (string)param!["key"]!;
            var value = (string)param["value"]!;
            value = value.Length > 6000 ? value[..6000] : value;
            if (run.Params.TryGetValue(key, out var existing) && existing != value)
            {
                throw Bad($"Changing param values is not allowed. Param with key='{key}' was already logged with value='{existing}' for run ID='{run.RunId}'. Attempted logging new value '{value}'.");
            }

            run.Params[key] = value;
        }

        foreach (var tag in tags)
        {
            run.Tags[(string)tag!["key"]!] = (string)tag["value"]!;
        }

        foreach (var metric in metrics)
        {
            var value = metric!["value"]!.GetValueKind() == JsonValueKind.String
                ? double.Parse((string)metric["value"]!, CultureInfo.InvariantCulture)
                : (double)metric["value"]!;
            run.Metrics.Add(((string)metric["key"]!, value, (long)metric["timestamp"]!, (long?)metric["step"] ?? 0));
        }

        return Ok([]);
    }

    private (int, string) MetricHistory(JsonObject query)
    {
        var run = FindRun((string?)query["run_id"]);
        if (query["max_results"] is null)
        {
            // The upstream bug: no metrics, and a token that points back to offset 0.
            return Ok(new JsonObject { ["next_page_token"] = "eyJvZmZzZXQiOiAwfQ==" });
        }

        var key = (string?)query["metric_key"];
        var points = run.Metrics.Where(m => m.Key == key).Select(MetricJson);
        return Ok(new JsonObject { ["metrics"] = new JsonArray([.. points]) });
    }

    private TestRun FindRun(string? runId) =>
        runId is not null && Runs.TryGetValue(runId, out var run)
            ? run
            : throw new TestApiError("RESOURCE_DOES_NOT_EXIST", $"Run with id={runId} not found");

    private static JsonObject RunJson(TestRun run) => new()
    {
        ["info"] = InfoJson(run),
        ["data"] = new JsonObject
        {
            ["metrics"] = new JsonArray([.. run.Metrics.GroupBy(m => m.Key).Select(g => MetricJson(g.Last()))]),
            ["params"] = new JsonArray([.. run.Params.Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value })]),
            ["tags"] = new JsonArray([.. run.Tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value })]),
        },
    };

    private static JsonObject InfoJson(TestRun run) => new()
    {
        ["run_uuid"] = run.RunId,
        ["experiment_id"] = run.ExperimentId,
        ["run_name"] = run.RunName,
        ["user_id"] = run.UserId,
        ["status"] = run.Status,
        ["start_time"] = run.StartTime,
        ["end_time"] = run.EndTime,
        ["artifact_uri"] = $"mlflow-artifacts:/{run.ExperimentId}/{run.RunId}/artifacts",
        ["lifecycle_stage"] = "active",
        ["run_id"] = run.RunId,
    };

    private static JsonNode MetricJson((string Key, double Value, long Timestamp, long Step) m) => new JsonObject
    {
        ["key"] = m.Key,
        ["value"] = double.IsFinite(m.Value) ? JsonValue.Create(m.Value) : JsonValue.Create(double.IsNaN(m.Value) ? "NaN" : m.Value > 0 ? "Infinity" : "-Infinity"),
        ["timestamp"] = m.Timestamp,
        ["step"] = m.Step,
    };

    private static (int, string) Ok(JsonObject body) => (200, body.ToJsonString());

    private static TestApiError Bad(string message) => new("INVALID_PARAMETER_VALUE", message);

    [GeneratedRegex(@"(?<key>name|run_id)\s*=\s*'(?<value>(?:[^'\\]|\\.)*)'")]
    private static partial Regex VersionFilter();

    [GeneratedRegex(@"^tags\.`(?<key>[^`]+)` = '(?<value>[^']*)'$")]
    private static partial Regex TagFilter();

    private sealed class TestApiError(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }
}
