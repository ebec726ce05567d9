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
[Step("package", Version = 3, UsesDevice = true, Description = "Package a model or adapter with a model card, checksums and a reload smoke test; log and register it")]
[StepOutput("package", ArtifactKind.Package, Description = "HF model folder or PEFT adapter folder with README.md and checksums.sha256")]
public sealed class PackageStep : IStep<PackageOptions>
{
    public async Task<StepResult> RunAsync(PackageOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        DeviceEngine.Shared.UseDevice(context.Device);
        var isAdapter = options.Adapter is not null;
        var source = options.Adapter ?? options.Model!;
        var dtype = PackageWriter.ToScalar(options.Dtype);
        var folder = context.CreateOutput("package");
        string? baseName;
        try
        {
            if (isAdapter) PackageWriter.WriteAdapter(source, dtype, folder);
            else PackageWriter.WriteModel(source, dtype, folder);
            baseName = isAdapter ? PeftAdapterFiles.ReadConfig(source).BaseModelNameOrPath : null;
        }
        catch (Exception e) when (e is ModelLoadException or AdapterConfigException or InvalidOperationException or IOException)
        {
            return StepResult.Failed($"{(isAdapter ? "adapter" : "model")}: cannot package '{source}': {e.Message}");
        }

        var missing = options.Reports.Where(r => !File.Exists(Path.Combine(r, "report.md"))).ToList();
        if (missing.Count > 0) context.Log($"reports without report.md (listed as such in the card): {string.Join(", ", missing)}", StepLogLevel.Warning);
        var images = ReportImages.CopyInto(options.Reports, folder);
        var files = Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var title = options.Title ?? options.RegisterAs ?? context.WorkflowName;
        var card = ModelCard.Build(title, isAdapter, baseName, options.Dtype.ToString().ToLowerInvariant(), context.Lineage, options.Reports, images, files!);
        await File.WriteAllTextAsync(Path.Combine(folder, ModelCard.FileName), card, cancellationToken);
        PackageChecksums.Write(folder);

        var (problem, smoke) = PackageVerifier.Verify(folder, options.BaseModel, options.SmokePrompt, options.SmokeTokens);
        if (problem is not null) return StepResult.Failed(problem + "\nThe package was not published.");
        if (smoke is not null) context.Log($"smoke generation: {smoke}");

        var bytes = Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);
        var metrics = new Dictionary<string, double> { ["package_bytes"] = bytes, ["package_files"] = files.Count + 2 };
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
}
