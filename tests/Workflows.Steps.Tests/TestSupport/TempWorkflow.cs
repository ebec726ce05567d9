namespace Workflows.Steps.Tests.TestSupport;

/// <summary>A workflow file written to a temp folder, with <c>{shared}</c> and <c>{model}</c> replaced by the absolute
/// paths of <c>../shared/data</c> and stories260K, so a test can run a workflow the repository does not ship.</summary>
internal sealed class TempWorkflow : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("wf-temp-workflow-").FullName;

    public static string Model => System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoPaths.Root, "..", "shared", "models", "stories260K"));

    public TempWorkflow(string yaml)
    {
        // Its own project root: without a marker, a `.wf` left in the temp folder's parent (any `wf run /tmp/x.yaml`)
        // would become the project root and every relative path would resolve there.
        Directory.CreateDirectory(System.IO.Path.Combine(_folder, ".wf"));
        Path = System.IO.Path.Combine(_folder, "workflow.yaml");
        File.WriteAllText(Path, "# yaml-language-server: $schema=schemas/workflow.schema.json\n" +
            yaml.Replace("{shared}", RepoPaths.SharedData).Replace("{model}", Model));
    }

    /// <summary>The workflow file's absolute path.</summary>
    public string Path { get; }

    /// <summary>Writes another file beside the workflow and returns its absolute path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = System.IO.Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
