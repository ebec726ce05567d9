using System.Text.Json;

namespace Workflows.Cli.Tests;

/// <summary>A fresh project folder for runs in child processes, with readers for what a run recorded.</summary>
internal sealed class ProcessProject : IDisposable
{
    private ProcessProject(string root) => Root = root;

    public string Root { get; }

    /// <summary>The shared assets beside the repository (real models and data).</summary>
    public static string Shared { get; } = FindShared();

    /// <summary>A new project holding <paramref name="workflow"/> as <c>wf.yaml</c>.</summary>
    public static ProcessProject Create(string workflow)
    {
        var root = Directory.CreateTempSubdirectory("wf-process-").FullName;
        Directory.CreateDirectory(Path.Combine(root, ".wf"));
        File.WriteAllText(Path.Combine(root, "wf.yaml"), workflow);
        return new ProcessProject(root);
    }

    /// <summary>The store folder of output <paramref name="output"/> of <paramref name="step"/> in the latest run.</summary>
    public string Output(string step, string output) => Path.Combine(Root, ".wf", "store", Digest(step, output));

    /// <summary>The content digest of an output of the latest run.</summary>
    public string Digest(string step, string output) => Step(step).GetProperty("outputs").GetProperty(output).GetString()!;

    /// <summary>A step's entry in the latest run's <c>run.json</c>.</summary>
    public JsonElement Step(string step)
    {
        var runs = Directory.GetDirectories(Path.Combine(Root, ".wf", "runs"))
            .Select(d => JsonDocument.Parse(File.ReadAllText(Path.Combine(d, "run.json"))).RootElement)
            .OrderBy(r => r.GetProperty("started").GetDateTimeOffset()).ToList();
        Assert.That(runs, Is.Not.Empty, "no run recorded in " + Root);
        return runs[^1].GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == step).Clone();
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static string FindShared()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Workflows.sln"))) return Path.GetFullPath(Path.Combine(folder.FullName, "..", "shared"));
        throw new InvalidOperationException($"no Workflows.sln above {AppContext.BaseDirectory}");
    }
}
