namespace Workflows.Cli.Tests.Tracking;

/// <summary>A throwaway project holding the main example, pointed at the real shared assets, with its own
/// experiment and model name (so counts on a shared server are this run's alone) and a shorter training
/// run and relaxed gates (the point is what gets recorded, not how good the model is).</summary>
internal static class MainExampleProject
{
    public static string Create(out string experiment, out string model)
    {
        var repository = Repository();
        var shared = Path.GetFullPath(Path.Combine(repository, "..", "shared"));
        if (!Directory.Exists(Path.Combine(shared, "models"))) Assert.Ignore($"the shared assets are not at {shared}");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        experiment = $"persona-it-{suffix}";
        model = $"sft-lora-sparky-it-{suffix}";
        var project = Directory.CreateTempSubdirectory("wf-mlflow-").FullName;
        Directory.CreateDirectory(Path.Combine(project, ".wf"));
        var data = Path.Combine(project, "workflows", "data");
        Directory.CreateDirectory(data);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(repository, "workflows", "data"))) File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        var text = File.ReadAllText(Path.Combine(repository, "workflows", "sft-lora.yaml"))
            .Replace("../shared/", shared + "/")
            .Replace("tracking: { experiment: persona", $"tracking: {{ experiment: {experiment}")
            .Replace("register_as: sft-lora-sparky", $"register_as: {model}")
            .Replace("steps: 80", "steps: 12")
            .Replace("{ max: 300 }", "{ max: 1e30 }")
            .Replace("persona.contains: { min: 0.5 }", "persona.contains: { min: 0 }")
            .Replace("limit: 16", "limit: 4");
        File.WriteAllText(Path.Combine(project, "workflows", "sft-lora.yaml"), text);
        return project;
    }

    private static string Repository()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "workflows", "sft-lora.yaml"))) return folder.FullName;
        throw new InvalidOperationException("cannot find the repository root above " + TestContext.CurrentContext.TestDirectory);
    }
}
