namespace Workflows.Tracking.FileStore;

/// <summary>Where things live in an MLflow file store (MLflow's <c>FileStore</c> layout).</summary>
internal sealed class FileStoreLayout(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Experiment(string experimentId) => Path.Combine(Root, experimentId);

    public string ExperimentMeta(string experimentId) => Path.Combine(Experiment(experimentId), "meta.yaml");

    public string Run(string experimentId, string runId) => Path.Combine(Experiment(experimentId), runId);

    public static string RunMeta(string runDirectory) => Path.Combine(runDirectory, "meta.yaml");

    public static string Metric(string runDirectory, string key) => KeyPath(Path.Combine(runDirectory, "metrics"), key);

    public static string Param(string runDirectory, string key) => KeyPath(Path.Combine(runDirectory, "params"), key);

    public static string Tag(string runDirectory, string key) => KeyPath(Path.Combine(runDirectory, "tags"), key);

    public static string Artifacts(string runDirectory) => Path.Combine(runDirectory, "artifacts");

    public static string FileUri(string path) => new Uri(Path.GetFullPath(path)).AbsoluteUri;

    /// <summary>Numeric experiment folders; MLflow ignores anything else (<c>.trash</c>, <c>models</c>).</summary>
    public IEnumerable<string> ExperimentIds() =>
        Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root)
                .Select(Path.GetFileName)
                .Where(name => name!.Length > 0 && name.All(char.IsAsciiDigit) && File.Exists(ExperimentMeta(name)))
                .Select(name => name!)
            : [];

    /// <summary>Keys were sanitised already; a <c>/</c> in them becomes sub-folders, as in MLflow.</summary>
    private static string KeyPath(string folder, string key) =>
        Path.Combine([folder, .. key.Split('/')]);
}
