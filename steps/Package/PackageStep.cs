using Workflows.Engine.Steps;
using Workflows.Torch;
using Workflows.Torch.Adapters;
using Workflows.Torch.Engine;

namespace Workflows.Steps.Package;

/// <summary>
/// Writes a model (HF folder) or an adapter (PEFT folder) in the chosen dtype with a model card and a
/// SHA-256 manifest, reloads it with our own loader and runs a smoke generation (a package that does
/// not load is never published), then logs it to the tracker and optionally registers it.
/// </summary>
[Step("package", Version = 6, UsesDevice = true, Description = "Package a model or adapter with a model card, checksums and a reload smoke test; log and register it")]
[StepOutput("package", ArtifactKind.Package, Description = "HF model folder or PEFT adapter folder, and/or GGUF files with an Ollama Modelfile, with README.md and checksums.sha256")]
public sealed class PackageStep : IStep<PackageOptions>
{
    public async Task<StepResult> RunAsync(PackageOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        DeviceEngine.Shared.UseDevice(context.Device);
        var isAdapter = options.Adapter is not null;
        var source = options.Adapter ?? options.Model!;
        var dtype = PackageWriter.ToScalar(options.Dtype);
        var folder = context.CreateOutput("package");
        var title = options.Title ?? options.RegisterAs ?? context.WorkflowName;
        var gguf = options.Formats.Contains(PackageFormat.Gguf);
        var chatTemplate = options.Gguf.Template is { } template ? ChatTemplates.Jinja(template) : null;
        string? baseId;
        try
        {
            if (isAdapter) PackageWriter.WriteAdapter(source, dtype, folder);
            else if (options.Formats.Contains(PackageFormat.Hf)) PackageWriter.WriteModel(source, dtype, folder, chatTemplate);
            if (gguf) PackageGguf.Write(source, options.Gguf, title, folder);
            baseId = isAdapter ? PackageWriter.ResolveAdapterBase(folder, options.BaseModel, context.ProjectRoot) : CardMetadata.HubId(source);
        }
        catch (Exception e) when (e is ModelLoadException or AdapterConfigException or InvalidOperationException or IOException)
        {
            return StepResult.Failed($"{(isAdapter ? "adapter" : "model")}: cannot package '{source}': {e.Message}");
        }

        var missing = options.Reports.Where(r => !File.Exists(Path.Combine(r, "report.md"))).ToList();
        if (missing.Count > 0) context.Log($"reports without report.md (listed as such in the card): {string.Join(", ", missing)}", StepLogLevel.Warning);
        var images = ReportImages.CopyInto(options.Reports, folder);
        var files = Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var license = options.License ?? LicenseDetector.Detect(ModelFolder(source)) ?? (options.BaseModel is { } b ? LicenseDetector.Detect(ModelFolder(b)) : null);
        var hubBase = baseId is not null && CardMetadata.IsHubId(baseId) ? baseId : null;
        var front = CardMetadata.Build(title, isAdapter, files.Contains("config.json"), gguf, license, hubBase, [], ModelIndex.Read(options.Reports));
        var card = ModelCard.Build(front, context.ProjectRoot, title, isAdapter, baseId, options.Dtype.ToString().ToLowerInvariant(), context.Lineage, options.Reports, images, files!);
        await File.WriteAllTextAsync(Path.Combine(folder, ModelCard.FileName), card, cancellationToken);
        PackageChecksums.Write(folder);

        var (problem, smoke) = PackageVerifier.Verify(folder, options.BaseModel, options.SmokePrompt, options.SmokeTokens);
        if (problem is not null) return StepResult.Failed(problem + "\nThe package was not published.");
        if (smoke is not null) context.Log($"smoke generation: {smoke}");
        var ggufMetrics = new Dictionary<string, double>();
        if (gguf)
        {
            var (ggufProblem, measured, lines) = PackageGguf.Verify(source, options.Gguf, folder, options.SmokePrompt, options.SmokeTokens);
            foreach (var line in lines) context.Log(line);
            if (ggufProblem is not null) return StepResult.Failed(ggufProblem + "\nThe package was not published.");
            ggufMetrics = measured;
        }

        var bytes = Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);
        var metrics = new Dictionary<string, double>(ggufMetrics) { ["package_bytes"] = bytes, ["package_files"] = files.Count + 2 };
        foreach (var (key, value) in metrics) context.LogMetric(key, value);
        context.LogArtifact(folder, "package");
        if (options.RegisterAs is { } name)
        {
            var version = await context.RegisterModelAsync(name, "package", cancellationToken);
            context.Log(version is null ? $"register_as: the tracker has no model registry here (a local store keeps the request and `wf tracking push` registers '{name}' on a server); not registered yet" : $"registered '{name}' version {version}",
                version is null ? StepLogLevel.Warning : StepLogLevel.Info);
        }

        return StepResult.Succeeded(metrics);
    }

    private static string ModelFolder(string path) => Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
}
