using System.Text.Json.Nodes;

namespace Workflows.Cli.Tests.Tracking;

/// <summary>Reads a real MLflow server back through its REST API, as a user's browser or client would.</summary>
internal sealed class MlflowRestReader(Uri server) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2) };

    public async Task<JsonObject> GetAsync(string pathAndQuery)
    {
        using var response = await _http.GetAsync(pathAndQuery);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"GET {pathAndQuery}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> PostAsync(string path, object body)
    {
        // Buffered, with a Content-Length: MLflow reads a chunked request body as empty (and answers {}).
        using var content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<string?> ExperimentIdAsync(string name)
    {
        using var response = await _http.GetAsync($"/api/2.0/mlflow/experiments/get-by-name?experiment_name={Uri.EscapeDataString(name)}");
        return response.IsSuccessStatusCode ? (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["experiment"]!["experiment_id"] : null;
    }

    public async Task<List<JsonObject>> RunsAsync(string experimentId)
    {
        var runs = new List<JsonObject>();
        string? token = null;
        do
        {
            var page = await PostAsync("/api/2.0/mlflow/runs/search", token is null
                ? new { experiment_ids = new[] { experimentId }, max_results = 1000 }
                : new { experiment_ids = new[] { experimentId }, max_results = 1000, page_token = token });
            runs.AddRange(page["runs"]?.AsArray().Select(r => r!.AsObject()) ?? []);
            token = (string?)page["next_page_token"];
        }
        while (!string.IsNullOrEmpty(token));
        return runs;
    }

    /// <summary>The full history; max_results is required (without it MLflow 3.11 answers nothing).</summary>
    public async Task<List<(double Value, long Step, long Timestamp)>> HistoryAsync(string runId, string key)
    {
        var page = await GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={runId}&metric_key={Uri.EscapeDataString(key)}&max_results=25000");
        return page["metrics"]?.AsArray().Select(m => (ToDouble(m!["value"]!), (long)m["step"]!, (long)m["timestamp"]!)).ToList() ?? [];
    }

    /// <summary>Every file of a run's artifacts, walking folders: (path, size).</summary>
    public async Task<List<(string Path, long Size)>> ArtifactsAsync(string runId, string path = "")
    {
        var page = await GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}" + (path.Length > 0 ? $"&path={Uri.EscapeDataString(path)}" : ""));
        var files = new List<(string, long)>();
        foreach (var entry in page["files"]?.AsArray() ?? [])
        {
            var entryPath = (string)entry!["path"]!;
            if ((bool?)entry["is_dir"] == true) files.AddRange(await ArtifactsAsync(runId, entryPath));
            else files.Add((entryPath, (long?)entry["file_size"] ?? 0)); // MLflow leaves file_size out for an empty file
        }
        return files;
    }

    public async Task<byte[]> DownloadAsync(string experimentId, string runId, string path)
    {
        using var response = await _http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/{runId}/artifacts/{path}");
        Assert.That(response.IsSuccessStatusCode, Is.True, $"download {path}: {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    public async Task<List<JsonObject>> ModelVersionsAsync(string model)
    {
        var page = await GetAsync($"/api/2.0/mlflow/model-versions/search?filter={Uri.EscapeDataString($"name='{model}'")}&max_results=1000");
        return page["model_versions"]?.AsArray().Select(v => v!.AsObject()).ToList() ?? [];
    }

    public void Dispose() => _http.Dispose();

    private static double ToDouble(JsonNode node) =>
        node.GetValueKind() == System.Text.Json.JsonValueKind.String ? double.Parse((string)node!, System.Globalization.CultureInfo.InvariantCulture) : (double)node;
}
