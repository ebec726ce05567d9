namespace Workflows.Engine.Storage;

/// <summary>Where a project keeps its state: <c>.wf/store</c> (artifacts), <c>.wf/cache</c> (fingerprint →
/// outputs), <c>.wf/state</c> (last options per step, for plan explanations), <c>.wf/runs</c>.</summary>
public sealed class ProjectLayout(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    /// <summary>Where <c>.wf</c> state lives; the project root's <c>.wf</c> unless set (tests, benchmarks).</summary>
    public string StateRoot { get; init; } = Path.Combine(Path.GetFullPath(root), ".wf");
    public string Store => Path.Combine(StateRoot, "store");
    public string Cache => Path.Combine(StateRoot, "cache");
    public string StepStates => Path.Combine(StateRoot, "state");
    public string Runs => Path.Combine(StateRoot, "runs");
    public string Temp => Path.Combine(StateRoot, "tmp");
    public string Checkpoints => Path.Combine(StateRoot, "checkpoints");

    /// <summary>The project root for a workflow file: see <see cref="ForDirectory"/>, from the file's folder.</summary>
    public static ProjectLayout ForWorkflow(string workflowPath) =>
        ForDirectory(Path.GetDirectoryName(Path.GetFullPath(workflowPath))!);

    /// <summary>The nearest folder at or above <paramref name="start"/> holding <c>.git</c>, <c>.wf</c> or
    /// <c>wf.config.yaml</c>; else <paramref name="start"/> itself. Nearest wins whichever marker it has,
    /// so a stray <c>.wf/</c> in a parent folder never captures a git repository below it.</summary>
    public static ProjectLayout ForDirectory(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".wf")) || File.Exists(Path.Combine(dir.FullName, "wf.config.yaml"))
                || Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
                return new ProjectLayout(dir.FullName);
        }
        return new ProjectLayout(start);
    }
}
